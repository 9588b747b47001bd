package io.leakguard.findleaks;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.ReferenceQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import shark.HeapAnalysis;
import shark.HeapAnalysisSuccess;
import shark.HeapAnalyzer;
import shark.HeapGraph;
import shark.HeapObject;
import shark.HprofHeapGraph;
import shark.HprofRecordTag;
import shark.MetadataExtractor;
import shark.OnAnalysisProgressListener;

/**
 * Times the leak explanation on a server-sized heap: fills the heap with {@code liveMB} of small linked objects (what a
 * busy server holds), leaks a class loader through a ThreadLocal, dumps the heap and explains the leak in process, with
 * either analyser, while the live objects stay live. {@code findleaks/bench/compare.sh} runs each analyser in its own
 * 512 MB JVM, so their peaks do not mix, and prints the lines side by side.
 */
public final class HprofBenchmark {

    private static final ThreadLocal<Object> LEAK = new ThreadLocal<>();

    /** One entry of the synthetic server state: a reference, a string and a number, like most objects of a server. */
    static final class Node {
        final Node next;
        final String name;
        final int value;

        Node(Node next, String name, int value) {
            this.next = next;
            this.name = name;
            this.value = value;
        }
    }

    /** The class the "web application" loader defines a second copy of. */
    public static final class Leaky {
    }

    /** Stands in for a web application class loader; defines its own copy of {@link Leaky}. */
    static final class BenchLoader extends ClassLoader {
        BenchLoader() {
            super(ClassLoader.getPlatformClassLoader());
        }

        Class<?> defineLeaky() throws IOException {
            String resource = Leaky.class.getName().replace('.', '/') + ".class";
            try (InputStream in = HprofBenchmark.class.getClassLoader().getResourceAsStream(resource)) {
                byte[] bytes = in.readAllBytes();
                return defineClass(Leaky.class.getName(), bytes, 0, bytes.length);
            }
        }
    }

    private HprofBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String analyser = args[0];
        int liveMb = Integer.parseInt(args[1]);
        Node[] live = fill(liveMb);
        ReferenceQueue<ClassLoader> queue = new ReferenceQueue<>();
        TrackedLoader tracked = leakALoader(queue);
        Path directory = Files.createTempDirectory("leakguard-bench");
        Path dump = directory.resolve("heap.hprof");
        try {
            long dumpStart = System.nanoTime();
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(dump.toString(), true);
            long dumpMillis = (System.nanoTime() - dumpStart) / 1_000_000;
            System.gc();
            long usedBefore = usedHeap();
            PeakSampler peak = PeakSampler.begin();
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            String path;
            try {
                path = analyser.equals("shark") ? shark(dump) : own(dump, tracked);
            } catch (OutOfMemoryError e) {
                path = "FAILED: " + e;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            peak.end();
            System.out.printf("%-5s live=%d MB dump=%d MB (%d ms) analysis=%d ms allocated=%d MB "
                    + "peak heap above live=%d MB: %s%n", analyser, usedBefore >> 20, Files.size(dump) >> 20,
                    dumpMillis, millis, allocated >> 20, (peak.max() - usedBefore) >> 20, path);
        } finally {
            Files.deleteIfExists(dump);
            Files.delete(directory);
        }
        if (live.length == 0 || tracked.serial == 0) {
            throw new AssertionError("keeps the live objects and the tracker reachable until here");
        }
    }

    private static Node[] fill(int liveMb) {
        // About 100 bytes a node with its string: a Node, a String and its byte[].
        int nodes = liveMb * 10_000;
        Node[] chains = new Node[1024];
        for (int i = 0; i < nodes; i++) {
            chains[i % chains.length] = new Node(chains[i % chains.length], "node-" + i, i);
        }
        return chains;
    }

    private static TrackedLoader leakALoader(ReferenceQueue<ClassLoader> queue) throws Exception {
        BenchLoader loader = new BenchLoader();
        LEAK.set(loader.defineLeaky().getConstructor().newInstance());
        return new TrackedLoader(loader, queue, 42, "/bench", null, null, 1);
    }

    private static String own(Path dump, TrackedLoader tracked) throws IOException {
        try (HprofFile file = new HprofFile(dump)) {
            long start = System.nanoTime();
            HeapIndex heap = HeapIndex.read(file);
            long indexed = System.nanoTime();
            String path = HeapExplainer.explain(heap, tracked.serial, tracked.webapp).map(LeakPath::oneLine)
                    .orElse("no path");
            return String.format("index of %d objects %d ms, path %d ms: %s", heap.objects,
                    (indexed - start) / 1_000_000, (System.nanoTime() - indexed) / 1_000_000, path);
        }
    }

    private static String shark(Path dump) throws Exception {
        try (var graph = HprofHeapGraph.Companion.openHeapGraph(dump.toFile(), null,
                HprofRecordTag.Companion.getRootTags())) {
            HeapAnalysis analysis = new HeapAnalyzer(OnAnalysisProgressListener.Companion.getNO_OP())
                    .analyze(dump.toFile(), graph, HprofBenchmark::targets, List.of(), false, List.of(),
                            MetadataExtractor.Companion.getNO_OP());
            if (!(analysis instanceof HeapAnalysisSuccess success)) {
                return "failed: " + analysis;
            }
            Iterator<shark.Leak> leaks = success.getAllLeaks().iterator();
            return leaks.hasNext() ? leaks.next().getLeakTraces().get(0).toSimplePathString().replace('\n', ' ')
                    : "no path";
        }
    }

    /** Shark does not follow instance to class to loader: every object of the application is a target. */
    private static Set<Long> targets(HeapGraph graph) {
        Set<Long> loaders = new HashSet<>();
        HeapObject.HeapClass loaderClass = graph.findClassByName(BenchLoader.class.getName());
        loaderClass.getInstances().iterator().forEachRemaining(i -> loaders.add(i.getObjectId()));
        Set<Long> targets = new HashSet<>(loaders);
        Set<Long> classes = new HashSet<>();
        graph.getClasses().iterator().forEachRemaining(c -> {
            if (loaders.contains(c.readRecord().getClassLoaderId())) {
                classes.add(c.getObjectId());
            }
        });
        targets.addAll(classes);
        graph.getInstances().iterator().forEachRemaining(i -> {
            if (classes.contains(i.getInstanceClassId())) {
                targets.add(i.getObjectId());
            }
        });
        return targets;
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Samples heap use every few milliseconds: an upper bound of what the analysis needed, garbage included. */
    private static final class PeakSampler extends Thread {
        private final AtomicLong max = new AtomicLong();
        private volatile boolean running = true;

        static PeakSampler begin() {
            PeakSampler sampler = new PeakSampler();
            sampler.setDaemon(true);
            sampler.start();
            return sampler;
        }

        @Override
        public void run() {
            while (running) {
                max.accumulateAndGet(usedHeap(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void end() throws InterruptedException {
            running = false;
            join();
        }

        long max() {
            return max.get();
        }
    }

}
