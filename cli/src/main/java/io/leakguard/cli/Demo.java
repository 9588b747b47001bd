package io.leakguard.cli;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Policy;
import io.leakguard.cleanup.Finding;
import io.leakguard.cleanup.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The demo: every bundled leaking web application, once on stock Tomcat and once with leakguard, one cycle each, in
 * a table. The fixtures that leak through a JRE offender are left out: the offender pins whichever application touches
 * it first in the JVM, once, so only a fresh JVM per fixture would show them fairly.
 */
final class Demo {

    /** A bundled fixture and the request that makes it leak. */
    record Fixture(String name, String request) {

        String label() {
            return request.contains("?") ? name + request.substring(request.indexOf('?')) : name;
        }

        String contextPath(boolean withLeakGuard) {
            String query = request.contains("=") ? "-" + request.substring(request.indexOf('=') + 1) : "";
            return "/" + name + query + (withLeakGuard ? "-with" : "-without");
        }
    }

    static final List<Fixture> FIXTURES = List.of(
            new Fixture("clean", "/leak"),
            new Fixture("threadlocal-value", "/leak"),
            new Fixture("threadlocal-custom", "/leak"),
            new Fixture("threadlocal-indirect", "/leak"),
            new Fixture("threadlocal-pseudo", "/leak"),
            new Fixture("thread-spawned", "/leak"),
            new Fixture("thread-null-ccl", "/leak"),
            new Fixture("thread-callback", "/leak"),
            new Fixture("thread-stubborn", "/leak"),
            new Fixture("executor", "/leak"),
            new Fixture("timer-own", "/leak"),
            new Fixture("jdbc-driver", "/leak"),
            new Fixture("static-buffer", "/leak"),
            new Fixture("jvm-registrations", "/leak?kind=hook"));

    /** One fixture in one run: whether its loader survived, and what leakguard found. */
    record Outcomes(boolean leaked, List<Finding> findings) {
    }

    private final PrintStream out;
    private final PrintStream err;

    Demo(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run() throws BadInput {
        Path wars = extractWars();
        Map<Fixture, Outcomes> without;
        Map<Fixture, Outcomes> with;
        try (QuietLogs logs = QuietLogs.start()) {
            without = runAll(wars, false, logs);
            with = runAll(wars, true, logs);
        }
        printTable(without, with);
        return Main.NOTHING_LEAKED;
    }

    private Map<Fixture, Outcomes> runAll(Path wars, boolean withLeakGuard, QuietLogs logs) throws BadInput {
        String mode = withLeakGuard ? "with leakguard" : "without leakguard (stock Tomcat)";
        err.println("leakguard: demo " + mode + ": deploy, request and undeploy " + FIXTURES.size()
                + " web applications");
        Map<Fixture, TrialServer.Stopped> stopped = new LinkedHashMap<>();
        try (TrialServer server = new TrialServer(withLeakGuard, logs)) {
            for (Fixture fixture : FIXTURES) {
                String path = fixture.contextPath(withLeakGuard);
                TrialServer.Deployment deployment = server.deploy(war(wars, fixture), path);
                server.get(path + fixture.request());
                stopped.put(fixture, server.undeploy(deployment));
            }
            err.println("leakguard: demo " + mode + ": forcing garbage collection");
            server.collect(List.copyOf(stopped.values()));
            Map<Fixture, Outcomes> outcomes = new LinkedHashMap<>();
            stopped.forEach((fixture, stop) -> outcomes.put(fixture, new Outcomes(!stop.collected(),
                    stop.report() == null ? List.of() : stop.report().findings())));
            return outcomes;
        }
    }

    private void printTable(Map<Fixture, Outcomes> without, Map<Fixture, Outcomes> with) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"fixture", "leaked without", "leaked with", "what leakguard fixed"});
        for (Fixture fixture : FIXTURES) {
            Outcomes guarded = with.get(fixture);
            rows.add(new String[] {fixture.label(), yesNo(without.get(fixture).leaked()), yesNo(guarded.leaked()),
                    fixed(guarded.findings())});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            out.println(line(rows.get(r), widths));
            if (r == 0) {
                String[] rule = new String[widths.length];
                for (int i = 0; i < widths.length; i++) {
                    rule[i] = "-".repeat(widths[i]);
                }
                out.println(line(rule, widths));
            }
        }
        long leakedWithout = without.values().stream().filter(Outcomes::leaked).count();
        long leakedWith = with.values().stream().filter(Outcomes::leaked).count();
        out.println();
        out.println(FIXTURES.size() + " web applications: " + leakedWithout + " leaked on stock Tomcat, "
                + leakedWith + " with leakguard. Check your own: leakguard check app.war --request /path");
        String checksOff = CleanupEngine.standard().unavailableMessage(Policy.defaults());
        if (checksOff != null) {
            // Run from a class path rather than with java -jar, the manifest's Add-Opens does not apply: most checks
            // are off and the table says little about leakguard.
            out.println(checksOff + "; java -jar leakguard.jar opens them itself");
        }
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder("| ");
        for (int i = 0; i < cells.length; i++) {
            line.append(String.format("%-" + widths[i] + "s", cells[i])).append(i + 1 < cells.length ? " | " : " |");
        }
        return line.toString();
    }

    private static String yesNo(boolean leaked) {
        return leaked ? "yes" : "no";
    }

    /** Counts by leak kind: what was fixed, then what was only warned about. */
    static String fixed(List<Finding> findings) {
        String fixed = countByKind(findings, Outcome.FIXED);
        String warned = countByKind(findings, Outcome.WARNED);
        String text = fixed.isEmpty() ? "-" : fixed;
        return warned.isEmpty() ? text : text + " (warned: " + warned + ")";
    }

    private static String countByKind(List<Finding> findings, Outcome outcome) {
        Map<String, Long> counts = findings.stream().filter(f -> f.outcome() == outcome)
                .collect(Collectors.groupingBy(Finding::kind, TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static Path war(Path wars, Fixture fixture) {
        return wars.resolve("leakguard-fixture-" + fixture.name() + ".war");
    }

    /** The WARs travel inside the jar; Tomcat deploys files. */
    static Path extractWars() {
        try {
            Path dir = Files.createTempDirectory("leakguard-demo");
            dir.toFile().deleteOnExit();
            for (Fixture fixture : FIXTURES) {
                Path war = war(dir, fixture);
                try (InputStream in = Demo.class.getResourceAsStream("fixtures/" + war.getFileName())) {
                    if (in == null) {
                        throw new IllegalStateException("the demo WAR " + war.getFileName() + " is not in this jar");
                    }
                    Files.copy(in, war, StandardCopyOption.REPLACE_EXISTING);
                }
                war.toFile().deleteOnExit();
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the demo WARs: " + e.getMessage(), e);
        }
    }
}
