package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shutting down an HttpClient of the stopping application ends the exchanges it has in progress: the JDK tells the
 * application's body subscribers so on the thread that shuts the client down, and their onError is the
 * application's code.
 */
class HttpClientsTest {

    private final DyingLoader dying = new DyingLoader();
    private final List<HttpClient> clients = new ArrayList<>();
    /** Holds every response's body back until the test ends. */
    private final CountDownLatch bodies = new CountDownLatch(1);
    private HttpServer server;
    private CallbackGate gate;

    @BeforeEach
    void startServer() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "HttpClients are shut down from Java 21 on");
        gate = CallbackGate.fresh();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 1_000_000);
            OutputStream body = exchange.getResponseBody();
            body.write(new byte[1024]);
            body.flush();
            try {
                bodies.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        // Each exchange holds its handler's thread until the test ends.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server == null) {
            return;
        }
        gate.release.countDown();
        bodies.countDown();
        for (HttpClient client : clients) {
            try {
                HttpClient.class.getMethod("shutdownNow").invoke(client);
            } catch (InvocationTargetException e) {
                // A subscriber the pass did not reach fails here instead, as it was made to.
            }
        }
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        dying.newInstance(ApplicationClients.class).getClass().getField("clients").set(null, null);
    }

    @Test
    void aBodySubscriberThatBlocksInOnErrorDoesNotHoldThePass() throws Exception {
        HttpClient client = receiving(false);
        keep(client);

        List<Finding> findings = Passes.waitingForCode(dying, "HttpClient");

        assertEquals(0, gate.running.getCount(), "the subscriber was not told");
        assertEquals(1, findings.size(), findings::toString);
        String action = findings.get(0).action();
        assertTrue(action.contains("shutdownNow(), which runs the application's body subscribers' onError, was still"
                + " running after 300 ms"), action);
        assertTrue(action.contains("ProxySelector " + ApplicationProxySelector.class.getName() + "@"), action);
    }

    /**
     * A subscriber that fails keeps neither the application's other clients from being shut down, nor the client's
     * other exchanges from being ended: those hold the application until they are.
     */
    @Test
    void aBodySubscriberThatFailsInOnErrorKeepsNeitherTheOtherClientsNorTheOtherExchanges() throws Exception {
        HttpClient first = receiving(true);
        HttpClient second = receiving(true);
        receiving(second, true);
        keep(List.of(first, second));

        List<Finding> findings = Passes.waitingForCode(dying, "HttpClient");

        assertEquals(2, findings.size(), findings::toString);
        for (Finding finding : findings) {
            assertEquals(Outcome.FIXED, finding.outcome(), finding::toString);
            assertTrue(finding.action().startsWith("client shut down with shutdownNow(), called again after it"
                    + " failed with java.lang.IllegalStateException; ProxySelector "), finding::toString);
        }
    }

    /** A client of the application's, with a request whose body it is receiving. */
    private HttpClient receiving(boolean fails) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .proxy((ProxySelector) dying.newInstance(ApplicationProxySelector.class)).build();
        clients.add(client);
        receiving(client, fails);
        return client;
    }

    private void receiving(HttpClient client, boolean fails) throws Exception {
        Object subscriber = dying.newInstance(ApplicationBodySubscriber.class);
        subscriber.getClass().getField("fails").set(subscriber, fails);
        @SuppressWarnings("unchecked")
        HttpResponse.BodySubscriber<Void> body = (HttpResponse.BodySubscriber<Void>) subscriber;
        URI uri = URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
        client.sendAsync(HttpRequest.newBuilder(uri).build(), info -> body);
        CountDownLatch subscribed = (CountDownLatch) subscriber.getClass().getField("subscribed").get(subscriber);
        assertTrue(subscribed.await(10, TimeUnit.SECONDS), "the body did not begin");
    }

    private void keep(Object kept) throws Exception {
        dying.newInstance(ApplicationClients.class).getClass().getField("clients").set(null, kept);
    }
}
