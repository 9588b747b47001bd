package io.leakguard.listener;

import io.leakguard.cleanup.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The attributes of the {@code <Listener>} element: every engine setting by its {@link Policy} name, plus the
 * listener's own. Tomcat's digester hands each attribute over as text and swallows what a setter throws, so a wrong
 * attribute is remembered here and {@link #verify()} fails the server's start with all of them at once.
 */
final class ListenerSettings {

    static final String RENEWAL = "renewal";
    static final String RENEWAL_DELAY = "renewalDelayMillis";
    static final String JRE_OFFENDERS = "jreOffenders";
    static final String JRE_OFFENDER_PREFIX = "jreOffender.";
    static final String WATCHDOG = "findLeaksWatchdogSeconds";
    static final String CLASSES_TO_INITIALIZE = "classesToInitialize";

    private Policy policy = Policy.defaults();
    private Renewal renewal = Renewal.LEAKS;
    private long renewalDelayMillis = 100;
    private boolean jreOffenders = true;
    private long watchdogSeconds = 60;
    private List<String> classesToInitialize = List.of();
    private final Map<String, Boolean> jreOffenderChoices = new HashMap<>();
    private final Set<String> engineChecksOff = new HashSet<>();
    private final List<String> errors = new ArrayList<>();

    void set(String name, String value) {
        try {
            apply(name, value == null ? "" : value.trim());
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
    }

    private void apply(String name, String value) {
        switch (name) {
            case RENEWAL -> renewal = Renewal.parse(value);
            case RENEWAL_DELAY -> renewalDelayMillis = wholeNumber(name, value);
            case JRE_OFFENDERS -> jreOffenders = onOff(name, value);
            case WATCHDOG -> watchdogSeconds = wholeNumber(name, value);
            // Names only: a class that is not there is reported when the preloads run, not a reason to stop the start.
            case CLASSES_TO_INITIALIZE -> classesToInitialize = Arrays.stream(value.split("[,\\s]+"))
                    .filter(className -> !className.isEmpty()).toList();
            default -> {
                if (name.startsWith(JRE_OFFENDER_PREFIX)) {
                    jreOffender(name, value);
                } else if (Policy.settings().contains(name)) {
                    policy = policy.with(name, value);
                    if ("off".equalsIgnoreCase(value)) {
                        engineChecksOff.add(name);
                    } else {
                        engineChecksOff.remove(name);
                    }
                } else {
                    throw new IllegalArgumentException("unknown attribute [" + name + "]; accepted attributes: "
                            + String.join(", ", attributes()));
                }
            }
        }
    }

    private void jreOffender(String name, String value) {
        String id = name.substring(JRE_OFFENDER_PREFIX.length());
        if (!JreOffenders.ids().contains(id)) {
            throw new IllegalArgumentException("unknown JRE offender in attribute [" + name + "]; known offenders: "
                    + String.join(", ", new TreeSet<>(JreOffenders.ids())));
        }
        jreOffenderChoices.put(id, onOff(name, value));
    }

    /** Fails with every wrong attribute, each named with what it accepts. */
    void verify() {
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("leakguard: the <Listener className=\""
                    + LeakPreventionListener.class.getName() + "\"> element in server.xml is wrong: "
                    + String.join("; ", errors));
        }
    }

    Policy policy() {
        return policy;
    }

    Renewal renewal() {
        return renewal;
    }

    long renewalDelayMillis() {
        return renewalDelayMillis;
    }

    /** Whether an attribute switched this engine check off. */
    boolean engineCheckOff(String id) {
        return engineChecksOff.contains(id);
    }

    /** How long after a stop the Find leaks watchdog checks that application's loader once; zero: never. */
    Duration watchdogDelay() {
        return Duration.ofSeconds(watchdogSeconds);
    }

    /** An entry runs when the catalogue is on and its own attribute, or else the catalogue's default, says so. */
    boolean jreOffenderEnabled(String id) {
        return jreOffenders && jreOffenderChoices.getOrDefault(id, JreOffenders.catalogue().stream()
                .anyMatch(offender -> offender.id().equals(id) && offender.defaultOn()));
    }

    JreOffender.Configured jreOffendersConfigured() {
        return new JreOffender.Configured(classesToInitialize);
    }

    static Set<String> attributes() {
        Set<String> names = new TreeSet<>(Policy.settings());
        names.add(RENEWAL);
        names.add(RENEWAL_DELAY);
        names.add(JRE_OFFENDERS);
        names.add(WATCHDOG);
        names.add(CLASSES_TO_INITIALIZE);
        names.add(JRE_OFFENDER_PREFIX + "<id>");
        return names;
    }

    private static boolean onOff(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException(
                    "attribute [" + name + "] is [" + value + "]; accepted values: on, off");
        };
    }

    private static long wholeNumber(String name, String value) {
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted values
        }
        throw new IllegalArgumentException(
                "attribute [" + name + "] is [" + value + "]; accepted values: a whole number >= 0");
    }
}
