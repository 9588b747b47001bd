package io.leakguard.cli;

import io.leakguard.cleanup.Finding;
import io.leakguard.findleaks.Json;
import java.io.PrintStream;
import java.util.List;

/** The result of {@code check}: each cycle, and the growth of what the JVM holds for classes across them. */
record CheckReport(String war, String context, boolean withLeakGuard, Footprint baseline, List<CycleResult> cycles,
        Footprint end) {

    long survivors() {
        return cycles.stream().filter(c -> !c.collected()).count();
    }

    int exitCode() {
        return survivors() == 0 ? Main.NOTHING_LEAKED : Main.LEAKED;
    }

    void print(PrintStream out) {
        out.println("leakguard check: " + war + " at " + context + ", " + (withLeakGuard ? "with leakguard"
                : "stock Tomcat (without leakguard)") + ", " + cycles.size() + " cycle"
                + (cycles.size() == 1 ? "" : "s"));
        for (CycleResult cycle : cycles) {
            out.println();
            out.println("cycle " + cycle.number() + ": class loader " + (cycle.collected() ? "collected"
                    : "NOT collected (leaked)"));
            for (CycleResult.Answer answer : cycle.answers()) {
                out.println("  GET " + answer.path() + " -> " + answer.status() + (answer.failed()
                        ? "   (failed: what this request should run may not have run)" : ""));
            }
            if (withLeakGuard) {
                out.println("  leakguard: " + (cycle.findings().isEmpty() ? "nothing to clean"
                        : cycle.findings().size() + " finding" + (cycle.findings().size() == 1 ? "" : "s")));
            }
            for (Finding finding : cycle.findings()) {
                out.println("    " + CycleResult.outcome(finding) + ": " + finding.message());
            }
            for (String warning : cycle.warnings()) {
                out.println("    warning: " + warning);
            }
            if (cycle.heldBy() != null) {
                out.println("  held by:");
                cycle.heldBy().lines().forEach(line -> out.println("    " + line));
            }
            out.println("  after the undeploy: " + cycle.after().text());
        }
        out.println();
        out.println("before the first deploy: " + baseline.text() + "; at the end: " + end.text());
        if (cycles.size() > 1) {
            // The first deploy also loads Tomcat's own classes for good; only what later cycles add is the leak's.
            Footprint first = cycles.get(0).after();
            out.println("growth from cycle 1 to cycle " + cycles.size() + ": "
                    + cycles.get(cycles.size() - 1).after().growthSince(first));
        }
        out.println("result: " + survivors() + " of " + cycles.size() + " class loaders survived forced garbage "
                + "collection" + (survivors() == 0 ? "" : "; see \"held by\" above"));
    }

    String json() {
        return "{\n  \"war\": " + Json.string(war) + ",\n  \"context\": " + Json.string(context)
                + ",\n  \"leakguard\": " + withLeakGuard + ",\n  \"baseline\": " + baseline.json()
                + ",\n  \"cycles\": [\n    " + String.join(",\n    ", cycles.stream().map(CycleResult::json).toList())
                + "\n  ],\n  \"end\": " + end.json() + ",\n  \"survivors\": " + survivors()
                + ",\n  \"exitCode\": " + exitCode() + "\n}\n";
    }
}
