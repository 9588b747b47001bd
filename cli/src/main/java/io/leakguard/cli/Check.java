package io.leakguard.cli;

import io.leakguard.cleanup.Finding;
import io.leakguard.findleaks.ForcedGc;
import io.leakguard.findleaks.LeakDetector;
import io.leakguard.findleaks.LeakPath;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code check}: deploys, requests and undeploys a WAR a few times, then judges and explains each class loader. */
final class Check {

    /** The detector only explains here; its watchdog must never fire during a run. */
    private static final Duration NO_WATCHDOG = Duration.ofDays(1);

    private final CheckOptions options;
    private final PrintStream err;
    private final String context;

    private Check(CheckOptions options, PrintStream err) {
        this.options = options;
        this.err = err;
        String name = options.war().getFileName().toString();
        this.context = "/" + (name.toLowerCase(java.util.Locale.ROOT).endsWith(".war")
                ? name.substring(0, name.length() - 4) : name);
    }

    static int run(CheckOptions options, PrintStream out, PrintStream err) throws BadInput {
        WarArchive.verify(options.war());
        Path json = options.json();
        if (json != null && json.toAbsolutePath().getParent() != null
                && !Files.isDirectory(json.toAbsolutePath().getParent())) {
            throw new BadInput("--json " + json + ": no such directory " + json.toAbsolutePath().getParent());
        }
        CheckReport report = new Check(options, err).cycles();
        report.print(out);
        if (json != null) {
            try {
                Files.writeString(json, report.json(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadInput("--json " + json + ": cannot write (" + e.getMessage() + ")");
            }
            err.println("leakguard: wrote " + json);
        }
        return report.exitCode();
    }

    private CheckReport cycles() throws BadInput {
        try (QuietLogs logs = QuietLogs.start();
                TrialServer server = new TrialServer(options.withLeakGuard(), logs);
                LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            progress("started Tomcat on 127.0.0.1 "
                    + (options.withLeakGuard() ? "with leakguard" : "without leakguard"));
            Footprint baseline = Footprint.now();
            List<TrialServer.Stopped> stopped = new ArrayList<>();
            List<CycleResult> cycles = new ArrayList<>();
            for (int n = 1; n <= options.cycles(); n++) {
                int mark = logs.mark();
                progress("cycle " + n + "/" + options.cycles() + ": deploy " + context + ", "
                        + options.requests().size() + " request" + (options.requests().size() == 1 ? "" : "s")
                        + ", undeploy");
                TrialServer.Deployment deployment = server.deploy(options.war(), context);
                List<CycleResult.Answer> answers = new ArrayList<>();
                for (String request : options.requests()) {
                    String path = context + request;
                    answers.add(new CycleResult.Answer(path, server.get(path)));
                }
                TrialServer.Stopped stop = server.undeploy(deployment);
                track(detector, stop, n, deployment);
                stopped.add(stop);
                List<Finding> findings = stop.report() == null ? List.of() : stop.report().findings();
                ForcedGc.standard().collect();
                cycles.add(new CycleResult(n, answers, findings, notFindings(logs.leakWarnings(mark), findings),
                        Footprint.now(), false, null));
            }
            progress("forcing garbage collection");
            server.collect(stopped);
            List<CycleResult> judged = new ArrayList<>();
            for (CycleResult cycle : cycles) {
                boolean collected = stopped.get(cycle.number() - 1).collected();
                judged.add(cycle.judged(collected, collected ? null : explain(detector, cycle.number())));
            }
            return new CheckReport(options.war().toString(), context, options.withLeakGuard(), baseline, judged,
                    Footprint.now());
        }
    }

    /** In a method of its own so that no local variable of the long-running loop keeps the loader reachable. */
    private void track(LeakDetector detector, TrialServer.Stopped stop, int cycle, TrialServer.Deployment deployment) {
        ClassLoader loader = stop.loader().get();
        if (loader != null) {
            detector.stopped(loader, label(cycle), deployment.started);
        }
    }

    /** The reference path from a GC root, from a heap dump of this JVM. */
    private String explain(LeakDetector detector, int cycle) {
        progress("cycle " + cycle + ": class loader survived; explaining it from a heap dump");
        try {
            Optional<LeakPath> path = detector.explain(label(cycle));
            return path.map(LeakPath::text).orElse("no chain of strong references from a GC root: only softly or "
                    + "weakly reachable, it goes when memory runs short");
        } catch (IllegalStateException e) {
            return "could not be explained: " + e.getMessage();
        }
    }

    private String label(int cycle) {
        return context + " (cycle " + cycle + ")";
    }

    /** Every finding is logged as a warning too; the other warnings are what the report adds to the findings. */
    private static List<String> notFindings(List<String> warnings, List<Finding> findings) {
        List<String> messages = findings.stream().map(Finding::message).toList();
        return warnings.stream().filter(w -> !messages.contains(w)).toList();
    }

    private void progress(String line) {
        err.println("leakguard: " + line);
    }
}
