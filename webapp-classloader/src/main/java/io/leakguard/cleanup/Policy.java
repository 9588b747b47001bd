package io.leakguard.cleanup;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
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

    /**
     * Features chosen among a few values, the first of them the default; each costs something on every context, not
     * at stop.
     */
    private static final Map<String, List<String>> CHOICES = Map.of("creationSites", List.of("on", "off", "stack"));

    private static final Policy DEFAULTS = new Policy(Map.of(), Map.of(), Map.of());

    private final Map<String, Mode> modes;
    private final Map<String, Long> limits;
    private final Map<String, String> choices;

    private Policy(Map<String, Mode> modes, Map<String, Long> limits, Map<String, String> choices) {
        this.modes = Map.copyOf(modes);
        this.limits = Map.copyOf(limits);
        this.choices = Map.copyOf(choices);
    }

    public static Policy defaults() {
        return DEFAULTS;
    }

    /**
     * This policy with one setting changed: a check id ({@code threadLocals}, {@code timers}, ...) takes
     * {@code fix | warn | off}; a limit takes a non-negative whole number; {@code creationSites} takes
     * {@code on | off | stack}.
     *
     * @throws IllegalArgumentException naming the setting and what it accepts, when either is wrong
     */
    public Policy with(String setting, String value) {
        if (LeakChecks.ids().contains(setting)) {
            Map<String, Mode> changed = new HashMap<>(modes);
            changed.put(setting, Mode.parse(setting, value));
            return new Policy(changed, limits, choices);
        }
        if (LIMIT_DEFAULTS.containsKey(setting)) {
            Map<String, Long> changed = new HashMap<>(limits);
            changed.put(setting, parseLimit(setting, value));
            return new Policy(modes, changed, choices);
        }
        if (CHOICES.containsKey(setting)) {
            Map<String, String> changed = new HashMap<>(choices);
            changed.put(setting, parseChoice(setting, value));
            return new Policy(modes, limits, changed);
        }
        throw new IllegalArgumentException("unknown leakguard setting [" + setting + "]; known settings: "
                + String.join(", ", settings()));
    }

    public Policy with(String checkId, Mode mode) {
        return with(checkId, mode.name());
    }

    /** The settings that switch a check, in the order a pass runs the checks. */
    public static Set<String> checks() {
        return Collections.unmodifiableSet(LeakChecks.ids());
    }

    /** Every setting name this policy accepts. */
    public static Set<String> settings() {
        Set<String> names = new TreeSet<>(LeakChecks.ids());
        names.addAll(LIMIT_DEFAULTS.keySet());
        names.addAll(CHOICES.keySet());
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
        return !choice("creationSites").equals("off");
    }

    /** Whether a creation site is recorded with the whole stack that led to it, for a debugging session. */
    public boolean creationSiteStacks() {
        return choice("creationSites").equals("stack");
    }

    private String choice(String name) {
        return choices.getOrDefault(name, CHOICES.get(name).get(0));
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

    private static String parseChoice(String setting, String value) {
        String choice = value.trim().toLowerCase(Locale.ROOT);
        if (CHOICES.get(setting).contains(choice)) {
            return choice;
        }
        throw new IllegalArgumentException("leakguard setting [" + setting + "] is [" + value + "]; accepted values: "
                + String.join(", ", CHOICES.get(setting)));
    }
}
