package dev.orgos.cli.charter;

import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterException;
import dev.orgos.governance.charter.CharterParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a charter: every pathway must name an existing accountable anchor, declare its limits and at "
                + "least one escalation trigger, and have an escalation chain that reaches a human. CEL errors and unknown fields "
                + "are shown with file, line and column; overlapping pathways are reported.",
                "Exit codes: 0 valid, 1 invalid, 2 usage error (for example an unreadable file)."})
public final class CheckCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The charter YAML file.")
    Path file;

    @Override
    public Integer call() {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            System.err.println("orgos charter check: cannot read " + file
                    + (e instanceof java.nio.file.NoSuchFileException ? ": no such file" : ": " + e.getMessage()));
            return 2;
        }
        try {
            Charter c = CharterParser.parse(file.toString(), yaml);
            System.out.printf("%s: valid. Charter '%s' version %d (%s): %d pathways, %d anchors, default anchor '%s'.%n",
                    file, c.id(), c.version(), c.digest(), c.pathways().size(), c.anchors().size(), c.defaultAnchor());
            c.warnings().forEach(w -> System.out.println("  warning: " + w));
            return 0;
        } catch (CharterException e) {
            System.out.println(file + ": invalid, " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + ":");
            e.problems().forEach(p -> System.out.println("  " + p));
            return 1;
        }
    }
}
