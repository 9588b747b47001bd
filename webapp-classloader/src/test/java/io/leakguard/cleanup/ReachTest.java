package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Vector;
import java.util.WeakHashMap;
import java.util.concurrent.CountDownLatch;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.junit.jupiter.api.Test;

/** The reference walk on its own: what it follows, how it names the links, and where it stops. */
class ReachTest {

    private final DyingLoader loader = new DyingLoader();
    private final Object marker;

    ReachTest() throws Exception {
        marker = loader.newMarker();
    }

    private Reach reach(int depth, int nodes) {
        return reach(depth, nodes, List.of());
    }

    private Reach reach(int depth, int nodes, List<Object> serverWide) {
        Policy policy = Policy.defaults().with("walkMaxDepth", String.valueOf(depth))
                .with("walkMaxNodes", String.valueOf(nodes));
        return new Scan(new ThreadLocalEntries(), new Ownership(loader, serverWide), "/t", policy, finding -> { })
                .reach();
    }

    @Test
    void namesEveryLinkFromRootToTheWebappObject() {
        Object root = Map.of("k", List.of("a", Optional.of(new Object[] {null, marker})));
        List<String> path = reach(12, 100).from(root).orElseThrow();
        assertEquals(4, path.size(), path.toString());
        assertTrue(path.get(0).startsWith("value for key \"k\" java.util.ImmutableCollections$List12@"), path.get(0));
        assertTrue(path.get(1).startsWith("element 1 java.util.Optional@"), path.get(1));
        assertTrue(path.get(2).startsWith("value [Ljava.lang.Object;@"), path.get(2));
        assertTrue(path.get(3).startsWith("[1] " + DyingLoader.Marker.class.getName() + "@"), path.get(3));
    }

    @Test
    void theWebappObjectItselfIsAnEmptyPathAndUnrelatedObjectsNone() {
        assertEquals(Optional.of(List.of()), reach(12, 100).from(marker));
        assertEquals(Optional.empty(), reach(12, 100).from(List.of("a", 1, new int[3])));
        assertEquals(Optional.of(List.of()), reach(12, 100).from(marker.getClass()));
        assertEquals(Optional.of(List.of()), reach(12, 100).from(loader));
    }

    @Test
    void stopsAtTheDepthAndNodeLimits() {
        Object nested = List.of(List.of(List.of(marker)));
        assertTrue(reach(3, 100).from(nested).isPresent());
        assertTrue(reach(2, 100).from(nested).isEmpty());
        Object wide = List.of(new Object[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, List.of(marker));
        assertTrue(reach(12, 2).from(wide).isEmpty());
    }

    /**
     * One Reach remembers, across roots, what their direct references were found not to reach; it must not remember a
     * walk that stopped at an object an earlier part of the same walk had left at the depth limit.
     */
    @Test
    void whatOneRootMissedForWantOfDepthIsStillFoundFromAnother() {
        Object held = List.of(List.of(marker));
        Object shared = List.of(held);
        Reach reach = reach(4, 100);
        reach.from(List.of(List.of(List.of(held)), shared));
        List<String> path = reach.from(List.of(shared)).orElseThrow();
        assertEquals(4, path.size(), path.toString());
        assertTrue(reach.from(List.of(List.of("a"), shared)).isPresent());
    }

    @Test
    void readsAWeakHashMapThroughItsFieldsSoThatNothingIsExpunged() throws IOException {
        Map<Object, Object> weak = new WeakHashMap<>();
        weak.put("key", marker);
        List<String> path = reach(12, 100).from(weak).orElseThrow();
        assertTrue(path.get(0).startsWith("WeakHashMap.table "), path.toString());
    }

    /** A server's weak map of every application's loader, such as a host's, holds none of them. */
    @Test
    void aWeakReferenceHoldsNothingWhileASoftOneDoes() {
        assertEquals(Optional.empty(), reach(12, 100).from(List.of(new WeakReference<>(marker))));
        assertTrue(reach(12, 100).from(List.of(new SoftReference<>(marker))).isPresent());
    }

    /** As another application's context leads to its host, which leads to every application. */
    @Test
    void stopsAtTheServersObjectsThatLeadToEveryApplication() {
        List<Object> host = List.of(marker);
        Object otherApplications = Map.of("parent", host);
        assertEquals(Optional.empty(), reach(12, 100, List.of(host)).from(otherApplications));
        assertEquals(Optional.empty(), reach(12, 100, List.of(host)).from(host));
        assertTrue(reach(12, 100).from(otherApplications).isPresent());
    }

    /** As a metrics library's listener keeps the server it reads from, while Tomcat still lists the application. */
    @Test
    void anMBeanServerIsNotAPathToTheApplicationsMBeans() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.leakguard.test:type=ReachTest");
        Object view = loader.newInstance(NotificationListenersTest.View.class);
        server.registerMBean(new StandardMBean((NotificationListenersTest.HeldView) view,
                NotificationListenersTest.HeldView.class), name);
        try {
            assertEquals(Optional.empty(), reach(12, 100_000).from(List.of(server)));
        } finally {
            server.unregisterMBean(name);
        }
    }

    /** A JDK wrapper hands iteration to what it wraps, which may be an application's subclass. */
    @Test
    void looksThroughAJdkWrapperWithoutIteratingTheApplicationsCollectionInside() throws Exception {
        @SuppressWarnings("unchecked")
        List<Object> others = (List<Object>) new DyingLoader().newInstance(ApplicationList.class);
        others.add(marker);
        List<String> path = reach(12, 100).from(List.of(Collections.unmodifiableList(others))).orElseThrow();
        assertTrue(path.get(path.size() - 1).startsWith("[0] " + DyingLoader.Marker.class.getName()), path.toString());
    }

    /** A JDK view of an application's own list or map reads it through the application's methods. */
    @Test
    void looksThroughAJdkViewWithoutRunningTheApplicationsMethods() throws Exception {
        @SuppressWarnings("unchecked")
        List<Object> sequence = (List<Object>) loader.newInstance(ApplicationSequence.class);
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) loader.newInstance(ApplicationMap.class);
        for (Object view : List.of(sequence.subList(0, 1), map.keySet(), map.values())) {
            assertTrue(reach(12, 100).from(List.of(view)).isPresent(), view.getClass().getName());
        }
    }

    /** A synchronized wrapper locks a monitor of its user's choosing, and a Vector itself, while they iterate. */
    @Test
    void looksIntoACollectionWhoseMonitorAnApplicationThreadHoldsWithoutWaitingForIt() throws Exception {
        Map<Object, Object> map = new HashMap<>();
        map.put("key", marker);
        for (Object lockedRoot : List.of(Collections.synchronizedMap(map), new Vector<>(List.of(marker)))) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                synchronized (lockedRoot) {
                    held.countDown();
                    awaitQuietly(release);
                }
            });
            holder.start();
            try {
                held.await();
                Optional<List<String>> path = assertTimeoutPreemptively(Duration.ofSeconds(5),
                        () -> reach(12, 100).from(List.of(lockedRoot)), lockedRoot.getClass().getName());
                assertTrue(path.isPresent(), lockedRoot.getClass().getName());
            } finally {
                release.countDown();
                holder.join();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
