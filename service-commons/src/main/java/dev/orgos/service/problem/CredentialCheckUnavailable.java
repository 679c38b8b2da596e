package dev.orgos.service.problem;

/**
 * A credential that could not be checked (its store did not answer), as opposed to one that was
 * refused. The caller is told to come back (503 with Retry-After, by {@link AuthenticationProblems}),
 * not that its credential is bad: a 401 would have a worker discard a key that is valid.
 */
public class CredentialCheckUnavailable extends RuntimeException {
    public CredentialCheckUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
