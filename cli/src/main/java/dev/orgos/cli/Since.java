package dev.orgos.cli;

import java.time.Instant;

/** A time ago ("24h", "7d", "90m", "30s", or ISO-8601 "PT12H", "P7D") or an instant ("2026-11-20T00:00:00Z"). */
public final class Since implements picocli.CommandLine.ITypeConverter<Instant> {
    private static final java.util.regex.Pattern AGO = java.util.regex.Pattern.compile("(\\d+)([smhd])");

    @Override
    public Instant convert(String value) {
        String v = value.trim();
        var m = AGO.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            java.time.Duration ago = switch (m.group(2)) {
                case "s" -> java.time.Duration.ofSeconds(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                case "h" -> java.time.Duration.ofHours(n);
                default -> java.time.Duration.ofDays(n);
            };
            // to the second: the window's start is read by people, and a fraction earlier loses nothing
            return Instant.now().minus(ago).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        }
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Instant.now().minus(java.time.Duration.parse(v.toUpperCase(java.util.Locale.ROOT)))
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            }
            return Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is neither a time ago (24h, 7d, 90m, PT12H) "
                    + "nor an instant (2026-11-20T00:00:00Z)");
        }
    }
}
