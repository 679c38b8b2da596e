package dev.orgos.cli.deadletters;

import dev.orgos.cli.MeshAddress;
import dev.orgos.cli.Since;
import dev.orgos.schema.DeadLetter;
import dev.orgos.schema.Topics;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the services could not process, and why: the operator's view of {@code orgos.dead-letters}.
 * A service logs each letter once as it writes it; this reads them back from the topic, whichever
 * replica wrote them and however long ago.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true, subcommands = ResendCommand.class,
        description = {"List the records the services gave up on (orgos.dead-letters): when, which service, the record it stands "
                + "for (topic-partition@offset, readable there within the topic's retention), its key and why. "
                + "`dead-letters resend` sends them again once their cause is mended.",
                "Exit codes: 0 listed (none is fine), 2 could not read the topic."})
public final class DeadLettersCommand implements Callable<Integer> {

    @Mixin
    MeshAddress mesh;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--since", paramLabel = "WHEN", converter = Since.class, defaultValue = "24h",
            description = "Only letters written since then: a time ago (24h, 7d, 90m, PT12H) or an instant "
                    + "(2026-11-20T00:00:00Z). Default: ${DEFAULT-VALUE}.")
    Instant since;

    @Option(names = "--source", paramLabel = "SERVICE",
            description = "Only the letters of this service (execution-gateway, coordination-router, escalation-service, "
                    + "accountability-ledger).")
    String source;

    @Override
    public Integer call() {
        Map<String, Integer> bySource = new TreeMap<>();
        int[] listed = new int[1];
        // no mesh to talk to, or a service that does not exist, is a usage error (exit 2), said before anything is printed
        mesh.bootstrap();
        mesh.registryApi();
        if (source != null && java.util.Arrays.stream(dev.orgos.cli.mesh.Service.values()).noneMatch(s -> s.module.equals(source))) {
            throw new IllegalArgumentException("no service is called '" + source + "'; the services are "
                    + java.util.Arrays.stream(dev.orgos.cli.mesh.Service.values()).map(s -> s.module).toList());
        }
        System.out.printf("Dead letters since %s%s, from %s:%n", since.truncatedTo(ChronoUnit.SECONDS),
                source == null ? "" : " of " + source, Topics.DEAD_LETTERS.topic());
        try {
            mesh.<Object>readSince(Topics.DEAD_LETTERS.topic(), since, (value, at) -> {
                if (!(value instanceof DeadLetter letter) || source != null && !source.equals(letter.getSource())) {
                    return;
                }
                listed[0]++;
                bySource.merge(letter.getSource(), 1, Integer::sum);
                System.out.println(line(letter));
            });
        } catch (RuntimeException e) {
            System.err.println("orgos dead-letters: could not read " + Topics.DEAD_LETTERS.topic() + ": " + e.getMessage());
            return 2;
        }
        if (listed[0] == 0) {
            System.out.println("No dead letters since then.");
        } else {
            System.out.printf("%d dead letter(s): %s.%n", listed[0],
                    bySource.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        return 0;
    }

    /** One letter in two lines: what and where, then why. */
    static String line(DeadLetter letter) {
        StringBuilder s = new StringBuilder();
        s.append(letter.getOccurredAt().truncatedTo(ChronoUnit.MILLIS)).append("  ").append(letter.getSource()).append("  ")
                .append(letter.getSourceTopic()).append('-').append(letter.getPartition()).append('@').append(letter.getOffset());
        if (letter.getKey() != null) {
            s.append("  key ").append(printable(letter.getKey()));
        }
        if (letter.getPayload() != null) {
            s.append("  (").append(letter.getPayload().remaining()).append(" bytes of the record kept)");
        }
        return s.append(System.lineSeparator()).append("    ").append(printable(letter.getReason())).toString();
    }

    /**
     * A key or reason as the terminal may show it: they come from whoever wrote the record, and a
     * control character (an escape sequence, a carriage return) is shown as its code, not obeyed.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
