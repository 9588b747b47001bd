package io.leakguard.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the benchmarks with JMH's own command line, then puts each leakguard median next to its baseline's from the
 * same run (Tomcat's clean-up pass; the same code without instrumentation): on a shared machine only numbers taken
 * side by side, minutes apart at most, can be compared. The fastest pass of
 * each is shown too: other processes can only slow a pass down, so on a noisy machine it is the steadier figure.
 */
public final class CompareCleanups {

    private static final List<Comparison> COMPARISONS = List.of(
            new Comparison("leakguard vs Tomcat, one clean-up pass", "leakguardPass", "tomcatClearReferences",
                    "at most 2.0, and leakguard under 50 ms"),
            new Comparison("creationSites, the transformer alone against defining as they come", "transformOnly",
                    "defineAsTheyCome", "at most 0.03"),
            new Comparison("creationSites, one request of a request loop", "requestsInstrumented",
                    "requestsAsTheyCome", "no measurable cost"),
            new Comparison("creationSites, one HTTP request to a real Tomcat", "getWithCreationSites",
                    "getWithoutCreationSites", "no measurable cost"));

    private CompareCleanups() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions options = new CommandLineOptions(args);
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        // The clean-up pass is what a plain run compares; other benchmarks run when named.
        print(new Runner(options.getIncludes().isEmpty()
                ? new OptionsBuilder().parent(options).include(CleanupPass.class.getSimpleName()).build()
                : options).run());
    }

    private static void print(Collection<RunResult> results) {
        Map<String, Map<String, Result<?>>> byInput = new LinkedHashMap<>();
        for (RunResult run : results) {
            String benchmark = run.getParams().getBenchmark();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            StringBuilder input = new StringBuilder(run.getParams().getMode().longLabel());
            for (String key : run.getParams().getParamsKeys()) {
                input.append(", ").append(key).append('=').append(run.getParams().getParam(key));
            }
            byInput.computeIfAbsent(input.toString(), k -> new LinkedHashMap<>()).put(method, run.getPrimaryResult());
        }
        for (Comparison comparison : COMPARISONS) {
            comparison.print(byInput);
        }
    }

    /** Two benchmarks of one run whose medians are compared: leakguard's figure over the baseline's. */
    private record Comparison(String title, String measured, String baseline, String target) {

        void print(Map<String, Map<String, Result<?>>> byInput) {
            if (byInput.values().stream().noneMatch(input -> input.containsKey(measured)
                    || input.containsKey(baseline))) {
                return;
            }
            System.out.println();
            System.out.println(title + ", medians from the same run");
            for (Map.Entry<String, Map<String, Result<?>>> input : byInput.entrySet()) {
                Result<?> leakguard = input.getValue().get(measured);
                Result<?> base = input.getValue().get(baseline);
                if (leakguard == null && base == null) {
                    continue;
                }
                System.out.println("  " + input.getKey());
                line(measured, leakguard);
                line(baseline, base);
                if (leakguard != null && base != null && leakguard.getScoreUnit().equals(base.getScoreUnit())) {
                    double ratio = median(leakguard) / median(base);
                    double fastest = leakguard.getStatistics().getMin() / base.getStatistics().getMin();
                    System.out.printf("    %-24s %10.3f   (fastest/fastest %.3f; target: %s)%n", "ratio", ratio,
                            fastest, target);
                }
            }
        }
    }

    private static void line(String name, Result<?> result) {
        if (result == null) {
            System.out.printf("    %-24s not run%n", name);
            return;
        }
        Statistics statistics = result.getStatistics();
        System.out.printf("    %-24s %10.3f %s median   (fastest %.3f, p90 %.3f, n=%d)%n", name, median(result),
                result.getScoreUnit(), statistics.getMin(), statistics.getPercentile(90), statistics.getN());
    }

    private static double median(Result<?> result) {
        return result.getStatistics().getPercentile(50);
    }
}
