package io.leakguard.cleanup;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the cleanup behaves: a {@link Mode} per check and the limits that keep a pass bounded. Immutable; built from
 * named settings so that a server.xml attribute, a system property and a test all speak the same names.
 */
public final class Policy {

    private static final Map<String, Long> LIMIT_DEFAULTS = Map.of(
            "walkMaxDepth", 12L,
            "walkMaxNodes", 2_000L,
            "threadStopWaitMillis", 2_000L,
            "checkBudgetMillis", 5_000L,
            "largeStaticBytes", 256L * 1024);

    /** Features that are simply on or off; each costs something on every context, not at stop. */
    private static final Map<String, Boolean> SWITCH_DEFAULTS = Map.of("creationSites", true);

    private static final Policy DEFAULTS = new Policy(Map.of(), Map.of(), Map.of());

    private final Map<String, Mode> modes;
    private final Map<String, Long> limits;
    private final Map<String, Boolean> switches;

    private Policy(Map<String, Mode> modes, Map<String, Long> limits, Map<String, Boolean> switches) {
        this.modes = Map.copyOf(modes);
        this.limits = Map.copyOf(limits);
        this.switches = Map.copyOf(switches);
    }

    public static Policy defaults() {
        return DEFAULTS;
    }

    /**
     * This policy with one setting changed: a check id ({@code threadLocals}, {@code timers}, ...) takes
     * {@code fix | warn | off}; a limit takes a non-negative whole number; a switch ({@code creationSites}) takes
     * {@code on | off}.
     *
     * @throws IllegalArgumentException naming the setting and what it accepts, when either is wrong
     */
    public Policy with(String setting, String value) {
        if (LeakChecks.ids().contains(setting)) {
            Map<String, Mode> changed = new HashMap<>(modes);
            changed.put(setting, Mode.parse(setting, value));
            return new Policy(changed, limits, switches);
        }
        if (LIMIT_DEFAULTS.containsKey(setting)) {
            Map<String, Long> changed = new HashMap<>(limits);
            changed.put(setting, parseLimit(setting, value));
            return new Policy(modes, changed, switches);
        }
        if (SWITCH_DEFAULTS.containsKey(setting)) {
            Map<String, Boolean> changed = new HashMap<>(switches);
            changed.put(setting, parseSwitch(setting, value));
            return new Policy(modes, limits, changed);
        }
        throw new IllegalArgumentException("unknown leakguard setting [" + setting + "]; known settings: "
                + String.join(", ", settings()));
    }

    public Policy with(String checkId, Mode mode) {
        return with(checkId, mode.name());
    }

    /** Every setting name this policy accepts. */
    public static Set<String> settings() {
        Set<String> names = new TreeSet<>(LeakChecks.ids());
        names.addAll(LIMIT_DEFAULTS.keySet());
        names.addAll(SWITCH_DEFAULTS.keySet());
        return names;
    }

    public Mode mode(LeakCheck check) {
        return modes.getOrDefault(check.id(), check.defaultMode());
    }

    /** How many links deep a reference walk from a leak candidate may go. */
    public int walkMaxDepth() {
        return (int) limit("walkMaxDepth");
    }

    /** How many objects one reference walk may visit before it gives up on that root. */
    public int walkMaxNodes() {
        return (int) limit("walkMaxNodes");
    }

    /** How long to wait for an interrupted web application thread to end. */
    public Duration threadStopWait() {
        return Duration.ofMillis(limit("threadStopWaitMillis"));
    }

    /** How long one check may run before it stops looking and reports what it could not inspect. */
    public Duration checkBudget() {
        return Duration.ofMillis(limit("checkBudgetMillis"));
    }

    /** The retained size from which a static field is reported. */
    public long largeStaticBytes() {
        return limit("largeStaticBytes");
    }

    /** Whether web application classes are instrumented as they load, so findings can say where a leak was made. */
    public boolean creationSites() {
        return switches.getOrDefault("creationSites", SWITCH_DEFAULTS.get("creationSites"));
    }

    private long limit(String name) {
        return limits.getOrDefault(name, LIMIT_DEFAULTS.get(name));
    }

    private static long parseLimit(String setting, String value) {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted values
        }
        throw new IllegalArgumentException(
                "leakguard setting [" + setting + "] is [" + value + "]; accepted values: a whole number >= 0");
    }

    private static boolean parseSwitch(String setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(
                    "leakguard setting [" + setting + "] is [" + value + "]; accepted values: on, off");
        };
    }
}
