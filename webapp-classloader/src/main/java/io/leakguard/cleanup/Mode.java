package io.leakguard.cleanup;

import java.util.Locale;

/** What a check does with what it finds. */
public enum Mode {
    /** Repair the leak and report what was done. */
    FIX,
    /** Report the leak and leave it in place. */
    WARN,
    /** Do not look. */
    OFF;

    static Mode parse(String setting, String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "leakguard setting [" + setting + "] is [" + value + "]; accepted values: fix, warn, off");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
