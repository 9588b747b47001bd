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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
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
        return scan(depth, nodes, new Ownership(loader, serverWide)).reach();
    }

    private static Scan scan(int depth, int nodes, Ownership ownership) {
        Policy policy = Policy.defaults().with("walkMaxDepth", String.valueOf(depth))
                .with("walkMaxNodes", String.valueOf(nodes));
        return new Scan(new ThreadLocalEntries(), ownership, "/t", policy, finding -> { });
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
            assertFoundWhileHeld(lockedRoot, waiting -> {
                synchronized (lockedRoot) {
                    waiting.run();
                }
            });
        }
    }

    /**
     * A linked blocking queue or deque iterates under its lock, which its remove(Object) holds while it runs the
     * application's equals: as ThreadPoolExecutor.remove(task) does on its work queue.
     */
    @Test
    void looksIntoALinkedBlockingQueueWhoseLockAnApplicationsEqualsHoldsWithoutWaitingForIt() throws Exception {
        for (BlockingQueue<Object> queue : List.<BlockingQueue<Object>>of(new LinkedBlockingQueue<>(),
                new LinkedBlockingDeque<>())) {
            queue.addAll(List.of("task", marker));
            assertFoundWhileHeld(queue, waiting -> queue.remove(new WaitingEquals(waiting)));
        }
    }

    /** Read by their fields, each element of a linked queue would lie one link deeper than the one before it. */
    @Test
    void findsAnElementFarDownALinkedBlockingQueueAtTheDepthOfTheFirst() {
        for (BlockingQueue<Object> queue : List.<BlockingQueue<Object>>of(new LinkedBlockingQueue<>(),
                new LinkedBlockingDeque<>())) {
            for (int i = 0; i < 1000; i++) {
                queue.add(i == 500 ? marker : Integer.toString(i));
            }
            List<String> path = reach(2, 2_000).from(List.of(queue)).orElseThrow(() -> new AssertionError(queue));
            assertEquals(2, path.size(), path.toString());
            assertTrue(path.get(1).startsWith("element 500 " + DyingLoader.Marker.class.getName() + "@"),
                    path.toString());
        }
    }

    /**
     * A node another thread took off the queue while the walk read it leads back to itself: what followed it is not
     * read, the walk goes on with the root's next reference, and is not remembered as reaching nothing.
     */
    @Test
    void stopsAtALinkedBlockingQueuesNodeTakenOffWhileRead() {
        for (BlockingQueue<Object> queue : List.<BlockingQueue<Object>>of(new LinkedBlockingQueue<>(),
                new LinkedBlockingDeque<>())) {
            Object first = new Object();
            queue.addAll(List.of(first, "second", marker));
            Ownership ownership = new Ownership(loader, List.of());
            Reach reach = new Reach(ownership, object -> {
                if (object == first) {
                    // As another thread would, at a chosen moment. Taking two off self-links the first's node in the
                    // queue (whose head is an empty node) as in the deque.
                    queue.poll();
                    queue.poll();
                }
                return ownership.ownsObject(object);
            }, 12, 1_000, scan(12, 1_000, ownership));
            Object held = List.of(marker);
            List<String> path = reach.from(List.of(queue, held)).orElseThrow(() -> new AssertionError(queue));
            assertTrue(path.get(0).startsWith("element 1 "), path.toString());
            assertTrue(reach.from(List.of(queue)).isPresent(), queue.getClass().getName());
        }
    }

    /**
     * Asserts that a walk from a list of {@code lockedRoot} finds the marker in it, and promptly, while another thread
     * runs {@code holding}, which must run the waiting it is given while it holds the root's monitor or lock.
     */
    private void assertFoundWhileHeld(Object lockedRoot, Consumer<Runnable> holding) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> holding.accept(() -> {
            held.countDown();
            awaitQuietly(release);
        }));
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
