package dev.orgos.router.charter;

import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterException;
import dev.orgos.governance.charter.CharterParser;
import dev.orgos.governance.decision.CharterEvaluator;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** The charter this router enforces now. */
@Startup
@ApplicationScoped
public class CharterInForce {
    private static final Logger LOG = Logger.getLogger(CharterInForce.class);

    private final CharterEvaluator evaluator;

    public CharterInForce(RouterConfig config) {
        this.evaluator = new CharterEvaluator(load(config));
    }

    private static Charter load(RouterConfig config) {
        if (config.charterFile().isEmpty()) {
            LOG.warn("No charter configured (orgos.router.charter-file): every action will be escalated to "
                    + CharterEvaluator.NO_CHARTER_ANCHOR);
            return null;
        }
        Path file = Path.of(config.charterFile().get());
        try {
            Charter charter = CharterParser.parse(file.toString(), Files.readString(file));
            LOG.infof("Enforcing charter '%s' version %d (%s) with %d pathways", charter.id(), charter.version(),
                    charter.digest(), charter.pathways().size());
            return charter;
        } catch (IOException e) {
            LOG.errorf("Cannot read charter %s (%s): every action will be escalated", file, e.getMessage());
        } catch (CharterException e) {
            LOG.errorf("Charter %s is invalid, so every action will be escalated:%n%s", file, e.getMessage());
        }
        return null;
    }

    public CharterEvaluator evaluator() {
        return evaluator;
    }
}
