package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The HttpClients an application keeps in its static fields are found without running the application's code. */
class StaticClientsTest {

    private final DyingLoader dying = new DyingLoader();

    /** Reach reads the wrappers of Collections by their fields; so must the search, or it finds nothing in them. */
    @Test
    void aClientInAnUnmodifiableListIsFound() throws Exception {
        HttpClient client = clientOf(dying);
        try {
            keep(Collections.unmodifiableList(List.of(client)));

            Finding finding = Passes.single(dying, "HttpClient");

            assertTrue(finding.message().contains("kept in static field " + ApplicationClients.class.getName()
                    + ".clients element, holding ProxySelector "), finding::toString);
        } finally {
            keep(null);
        }
    }

    /** A synchronized map's views lead back to it through their mutex: the search must not go round for good. */
    @Test
    void aClientInASynchronizedMapWithViewsIsFound() throws Exception {
        HttpClient client = clientOf(dying);
        try {
            Map<String, HttpClient> clients = Collections.synchronizedMap(new HashMap<>(Map.of("api", client)));
            assertEquals(Set.of("api"), clients.keySet());
            keep(clients);

            Finding finding = Passes.single(dying, "HttpClient");

            assertTrue(finding.message().contains("kept in static field " + ApplicationClients.class.getName()
                    + ".clients value for key \"api\", holding ProxySelector "), finding::toString);
        } finally {
            keep(null);
        }
    }

    @Test
    void aClientInAnArrayFieldIsFound() throws Exception {
        HttpClient client = clientOf(dying);
        Field pool = dying.newInstance(ApplicationClients.class).getClass().getField("pool");
        try {
            pool.set(null, new HttpClient[] {null, client});

            Finding finding = Passes.single(dying, "HttpClient");

            assertTrue(finding.message().contains("kept in static field " + ApplicationClients.class.getName()
                    + ".pool[1], holding ProxySelector "), finding::toString);
        } finally {
            pool.set(null, null);
        }
    }

    /** Reach reads an ArrayBlockingQueue by its fields, which keep its elements in an array. */
    @Test
    void aClientInAnArrayBlockingQueueIsFound() throws Exception {
        HttpClient client = clientOf(dying);
        try {
            keep(new ArrayBlockingQueue<>(2, false, List.of(client)));

            Finding finding = Passes.single(dying, "HttpClient");

            assertTrue(finding.message().contains("kept in static field " + ApplicationClients.class.getName()
                    + ".clients element, holding ProxySelector "), finding::toString);
        } finally {
            keep(null);
        }
    }

    /**
     * Reach reads a LinkedBlockingQueue by its nodes, as it iterates under a lock that its remove(Object) holds while
     * it runs the application's equals.
     */
    @Test
    void aClientInALinkedBlockingQueueIsFoundWhileItsRemoveWaitsInAnEquals() throws Exception {
        HttpClient client = clientOf(dying);
        LinkedBlockingQueue<Object> clients = new LinkedBlockingQueue<>(List.of(client));
        CallbackGate gate = CallbackGate.fresh();
        Thread holder = new Thread(() -> clients.remove(new WaitingEquals(() -> {
            gate.running.countDown();
            gate.awaitRelease();
        })));
        holder.start();
        try {
            assertTrue(gate.running.await(10, TimeUnit.SECONDS));
            keep(clients);

            List<Finding> findings = Passes.waitingForCode(dying, "HttpClient");

            assertEquals(1, findings.size(), findings::toString);
            assertTrue(findings.get(0).message().contains("kept in static field "
                    + ApplicationClients.class.getName() + ".clients element, holding ProxySelector "),
                    findings::toString);
        } finally {
            gate.release.countDown();
            holder.join();
            keep(null);
        }
    }

    /** Listing the fields of a holder with a field of a library the application does without fails. */
    @Test
    void aHolderWhoseFieldsCannotBeListedLeavesTheOtherFieldsToBeSearched() throws Exception {
        WithoutOptionalDependency partial = new WithoutOptionalDependency();
        HttpClient client = clientOf(partial);
        partial.newInstance(ApplicationClients.class).getClass().getField("clients")
                .set(null, partial.newInstance(ApplicationPlugin.class));
        partial.newInstance(ApplicationCache.class).getClass().getField("entries").set(null, Map.of("api", client));

        Finding finding = Passes.single(partial, "HttpClient");

        assertTrue(finding.message().contains("kept in static field " + ApplicationCache.class.getName()
                + ".entries value for key \"api\", holding ProxySelector "), finding::toString);
    }

    /** A client that holds the application through the ProxySelector it was given. */
    private static HttpClient clientOf(DyingLoader application) throws Exception {
        return HttpClient.newBuilder().proxy((ProxySelector) application.newInstance(ApplicationProxySelector.class))
                .build();
    }

    private void keep(Object clients) throws Exception {
        dying.newInstance(ApplicationClients.class).getClass().getField("clients").set(null, clients);
    }
}
