package dev.orgos.governance;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read them in logs and reasons: "1h", "24h", "30m", "1h30m". */
public final class Durations {
    private Durations() {
    }

    public static String words(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
