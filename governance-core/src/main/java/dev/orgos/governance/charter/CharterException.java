package dev.orgos.governance.charter;

import java.util.List;

/** A charter that cannot be used, with every problem found and where. */
public class CharterException extends Exception {
    private final List<String> problems;

    public CharterException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
