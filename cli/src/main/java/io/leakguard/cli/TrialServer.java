package io.leakguard.cli;

import io.leakguard.cleanup.Report;
import io.leakguard.findleaks.ForcedGc;
import io.leakguard.listener.LeakPreventionListener;
import io.leakguard.loader.LeakGuardClassLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * An embedded Tomcat on a loopback port, with leakguard's server listener added exactly as server.xml adds it (or
 * stock), that deploys WARs, requests them and undeploys them, handing back what each stop left behind.
 */
final class TrialServer implements AutoCloseable {

    private static final int PING_ROUNDS = 2;
    private static final int PING_REQUESTS = 8;
    /** Longer than the listener's default renewalDelayMillis, after which a pool thread renews on its next task. */
    private static final long PING_PAUSE_MILLIS = 250;

    private final Tomcat tomcat = new Tomcat();
    private final Path baseDir;
    private final Connector connector = new Connector();
    private final QuietLogs logs;

    /** A deployed web application; the report of its stop arrives when it is undeployed. */
    static final class Deployment {
        final String path;
        final Instant started = Instant.now();
        private Context context;
        private final AtomicReference<Report> report = new AtomicReference<>();

        private Deployment(String path, Context context) {
            this.path = path;
            this.context = context;
        }
    }

    /** What one undeploy left: a weak reference to the loader, never the loader, and leakguard's report if any. */
    record Stopped(WeakReference<ClassLoader> loader, Report report) {

        boolean collected() {
            return loader.get() == null;
        }
    }

    TrialServer(boolean withLeakGuard, QuietLogs logs) {
        this.logs = logs;
        try {
            baseDir = Files.createTempDirectory("leakguard-check");
            Files.createDirectories(baseDir.resolve("webapps"));
            tomcat.setBaseDir(baseDir.toString());
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            tomcat.getHost().setAutoDeploy(false);
            if (withLeakGuard) {
                tomcat.getServer().addLifecycleListener(new LeakPreventionListener());
            }
            tomcat.start();
        } catch (IOException | LifecycleException e) {
            throw new IllegalStateException("embedded Tomcat did not start: " + e.getMessage(), e);
        }
    }

    /** Deploys the WAR at {@code path}; a start failure is reported with Tomcat's reason in one line. */
    Deployment deploy(Path war, String path) throws BadInput {
        int mark = logs.mark();
        StandardContext context = new StandardContext();
        context.setName(path);
        context.setPath(path);
        context.setDocBase(war.toAbsolutePath().toString());
        StandardJarScanner scanner = new StandardJarScanner();
        // The server's class path is this jar: scanning it for web fragments only slows every deploy.
        scanner.setScanClassPath(false);
        context.setJarScanner(scanner);
        context.addLifecycleListener(event -> {
            if (Lifecycle.CONFIGURE_START_EVENT.equals(event.getType())) {
                serveStaticFiles(context);
            }
        });
        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(tomcat.noDefaultWebXmlPath());
        context.addLifecycleListener(config);
        Deployment deployment = new Deployment(path, context);
        context.addContainerListener(event -> {
            if (LeakGuardClassLoader.REPORT_EVENT.equals(event.getType()) && event.getData() instanceof Report r) {
                deployment.report.set(r);
            }
        });
        try {
            tomcat.getHost().addChild(context);
        } catch (RuntimeException e) {
            // Tomcat wraps the start failure; its log holds the reason, and the exception the rest.
        }
        if (!context.getState().isAvailable()) {
            tomcat.getHost().removeChild(context);
            String reason = logs.tomcatReason(mark);
            throw new BadInput(war.getFileName() + " failed to start: "
                    + (reason == null ? "Tomcat gave no reason (state " + context.getState() + ")" : reason));
        }
        return deployment;
    }

    /**
     * What Tomcat's conf/web.xml gives every application, less JSP: this jar carries no JSP compiler, so a JSP page
     * answers 404 here.
     */
    private static void serveStaticFiles(Context context) {
        Wrapper files = Tomcat.addServlet(context, "default", DefaultServlet.class.getName());
        files.setLoadOnStartup(1);
        files.setOverridable(true);
        context.addServletMappingDecoded("/", "default");
        Tomcat.addDefaultMimeTypeMappings(context);
        context.addWelcomeFile("index.html");
        context.addWelcomeFile("index.htm");
    }

    /** GETs a path of the server and returns the status; the body is read so the connection is reused. */
    int get(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI
                    .create("http://127.0.0.1:" + connector.getLocalPort() + path).toURL().openConnection();
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** Stops and removes the web application, as an undeploy does. */
    Stopped undeploy(Deployment deployment) {
        WeakReference<ClassLoader> loader = new WeakReference<>(deployment.context.getLoader().getClassLoader());
        tomcat.getHost().removeChild(deployment.context);
        deployment.context = null;
        return new Stopped(loader, deployment.report.getAndSet(null));
    }

    /**
     * Forces garbage collection, escalating, until every loader of {@code stopped} is gone or the escalation is
     * spent; each loader is then judged by its own reference, so that leftovers of other runs in this JVM never count.
     */
    void collect(List<Stopped> stopped) {
        letPoolThreadsRenew();
        ForcedGc.standard().until(() -> stopped.stream().allMatch(Stopped::collected));
    }

    /**
     * Sends a few requests that no application answers: leakguard renews pool threads that hold an unfixed leak as
     * they take their next task, and a stopped application's loader cannot go before that.
     */
    private void letPoolThreadsRenew() {
        for (int round = 0; round < PING_ROUNDS; round++) {
            try {
                Thread.sleep(PING_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < PING_REQUESTS; i++) {
                get("/leakguard-ping");
            }
        }
    }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("embedded Tomcat did not stop: " + e.getMessage(), e);
        } finally {
            deleteQuietly(baseDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind harms nothing.
        }
    }
}
