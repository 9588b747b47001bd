package io.leakguard.cli;

import io.leakguard.cleanup.Finding;
import io.leakguard.findleaks.Json;
import java.util.List;
import java.util.Locale;

/**
 * One deploy, requests, undeploy.
 *
 * @param warnings leakguard's warnings of the cycle that are not findings (a check switched off, for instance)
 * @param after the footprint right after the undeploy and one collection
 * @param heldBy why the loader survived, a reference path from a GC root on several lines; null when collected
 */
record CycleResult(int number, List<Answer> answers, List<Finding> findings, List<String> warnings, Footprint after,
        boolean collected, String heldBy) {

    /** The status one request got; anything but 2xx or 3xx is worth a line in the report. */
    record Answer(String path, int status) {

        boolean failed() {
            return status >= 400;
        }

        String json() {
            return "{\"path\": " + Json.string(path) + ", \"status\": " + status + "}";
        }
    }

    /** Loaders are judged together once every cycle is done, so that a later cycle's renewals count too. */
    CycleResult judged(boolean isCollected, String whatHoldsIt) {
        return new CycleResult(number, answers, findings, warnings, after, isCollected, whatHoldsIt);
    }

    static String outcome(Finding finding) {
        return finding.outcome().name().toLowerCase(Locale.ROOT);
    }

    String json() {
        return "{\"cycle\": " + number + ", \"requests\": " + Json.array(answers, Answer::json)
                + ", \"findings\": " + Json.array(findings, CycleResult::findingJson)
                + ", \"warnings\": " + Json.strings(warnings) + ", \"collected\": " + collected
                + ", \"heldBy\": " + Json.string(heldBy) + ", \"after\": " + after.json() + "}";
    }

    private static String findingJson(Finding f) {
        return "{\"kind\": " + Json.string(f.kind()) + ", \"outcome\": " + Json.string(outcome(f))
                + ", \"what\": " + Json.string(f.what()) + ", \"action\": " + Json.string(f.action())
                + ", \"threads\": " + Json.strings(f.threads()) + ", \"message\": " + Json.string(f.message()) + "}";
    }
}
