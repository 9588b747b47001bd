package io.leakguard.admin;

import io.leakguard.findleaks.Json;
import io.leakguard.findleaks.LeakPath;
import io.leakguard.findleaks.LeakedWebapp;
import java.util.stream.IntStream;

/** The same answer as {@link TextReport}, as one JSON object, for monitoring that parses rather than greps. */
final class JsonReport {

    private JsonReport() {
    }

    static String of(Answer answer, boolean explain) {
        return "{\"status\": \"OK\", \"checked\": " + Json.string(answer.check().finished().toString())
                + ", \"cached\": " + answer.cached() + ", \"ageSeconds\": " + answer.ageSeconds()
                + ", \"minCheckIntervalSeconds\": " + answer.minCheckInterval().toSeconds()
                + ", \"leaks\": " + Json.array(answer.check().leaks(), leak -> leak(leak, explain)) + "}\n";
    }

    static String fail(String message) {
        return "{\"status\": \"FAIL\", \"message\": " + Json.string(message) + "}\n";
    }

    private static String leak(LeakedWebapp leak, boolean explain) {
        String json = "{\"webapp\": " + Json.string(leak.webapp()) + ", \"version\": " + Json.string(leak.version())
                + ", \"started\": " + Json.string(leak.started().toString())
                + ", \"stopped\": " + Json.string(leak.stopped().toString())
                + ", \"loadedClasses\": " + leak.loadedClasses();
        if (explain) {
            json += ", \"heldBy\": " + Json.string(leak.heldBy())
                    + ", \"path\": " + leak.path().map(JsonReport::path).orElse("null");
        }
        return json + "}";
    }

    private static String path(LeakPath path) {
        return "{\"kind\": " + Json.string(path.kind()) + ", \"root\": " + Json.string(path.root())
                + ", \"cut\": " + path.cut() + ", \"links\": "
                + Json.array(IntStream.range(0, path.links().size()).boxed().toList(), i -> link(path, i)) + "}";
    }

    private static String link(LeakPath path, int index) {
        LeakPath.Link link = path.links().get(index);
        return "{\"via\": " + Json.string(link.via()) + ", \"to\": " + Json.string(link.to())
                + ", \"cut\": " + (index == path.cut()) + "}";
    }
}
