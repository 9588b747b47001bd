package io.leakguard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Server;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardService;
import org.apache.catalina.loader.ParallelWebappClassLoader;
import org.apache.catalina.loader.WebappLoader;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * A real Tomcat on a loopback port that deploys fixture WARs, so that tests trigger leaks over HTTP and watch the
 * web application class loader after the context is gone.
 */
public final class EmbeddedTomcat implements AutoCloseable {

    private final Tomcat tomcat = new Tomcat();
    private final Path baseDir;
    private final Connector connector;

    private EmbeddedTomcat(int requestThreads, boolean serviceLater, LifecycleListener[] serverListeners)
            throws IOException, LifecycleException {
        baseDir = Files.createTempDirectory("leakguard-tomcat");
        Files.createDirectories(baseDir.resolve("webapps"));
        tomcat.setBaseDir(baseDir.toString());
        connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        if (requestThreads > 0) {
            connector.setProperty("maxThreads", Integer.toString(requestThreads));
        }
        Server server = tomcat.getServer();
        for (LifecycleListener listener : serverListeners) {
            server.addLifecycleListener(listener);
        }
        if (serviceLater) {
            server.removeService(tomcat.getService());
            tomcat.start();
            // Tomcat's getService() and getEngine() take the server's first service, and make its engine when asked.
            Service service = new StandardService();
            service.setName("Tomcat");
            server.addService(service);
        }
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        if (!serviceLater) {
            tomcat.start();
        }
    }

    /** A started Tomcat; the server listeners are added before it starts, as server.xml would have them. */
    public static EmbeddedTomcat start(LifecycleListener... serverListeners) {
        return start(0, false, serverListeners);
    }

    /** A started Tomcat that serves every request on one thread, where two applications' requests must meet. */
    public static EmbeddedTomcat startWithOneRequestThread(LifecycleListener... serverListeners) {
        return start(1, false, serverListeners);
    }

    /**
     * A Tomcat whose server started without a service: its service, connector, engine and host are added to the
     * running server, as an embedding application may add them.
     */
    public static EmbeddedTomcat startThenAddService(LifecycleListener... serverListeners) {
        return start(0, true, serverListeners);
    }

    private static EmbeddedTomcat start(int requestThreads, boolean serviceLater,
            LifecycleListener... serverListeners) {
        try {
            return new EmbeddedTomcat(requestThreads, serviceLater, serverListeners);
        } catch (IOException | LifecycleException e) {
            throw new IllegalStateException("embedded Tomcat did not start", e);
        }
    }

    /** The WAR of a fixture module, as the build copied it to {@code target/fixtures}. */
    public static Path fixtureWar(String fixture) {
        Path war = Paths.get(System.getProperty("leakguard.fixtures", "target/fixtures"))
                .resolve("leakguard-fixture-" + fixture + ".war");
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("fixture WAR " + war + " is missing; build the fixtures module first");
        }
        return war;
    }

    /** Deploys a fixture at {@code path}, with leakguard's class loader or with Tomcat's own. */
    public Context deploy(String fixture, String path, boolean withLeakGuard) {
        return deploy(fixtureWar(fixture), path, withLeakGuard);
    }

    /** Deploys a WAR file or an unpacked web application at {@code path}, with leakguard's loader or Tomcat's. */
    public Context deploy(Path docBase, String path, boolean withLeakGuard) {
        WebappLoader loader = new WebappLoader();
        loader.setLoaderClass(withLeakGuard ? "io.leakguard.loader.LeakGuardClassLoader"
                : ParallelWebappClassLoader.class.getName());
        return deploy(docBase, path, loader);
    }

    /** Deploys a fixture at {@code path} with no loader chosen, as a WAR dropped into webapps/ is. */
    public Context deployPlain(String fixture, String path) {
        return deploy(fixture, path, null);
    }

    /** Deploys a fixture at {@code path} with the given loader, or with none chosen when it is null. */
    public Context deploy(String fixture, String path, WebappLoader loader) {
        return deploy(fixtureWar(fixture), path, loader);
    }

    /** Deploys a WAR file or an unpacked web application directory at {@code path}, with the given loader or none. */
    public Context deploy(Path docBase, String path, WebappLoader loader) {
        return deploy(docBase, path, path, loader);
    }

    /** Deploys a fixture as one version of the application at {@code path}, as parallel deployment names it. */
    public Context deployVersion(String fixture, String path, String version) {
        return deploy(fixtureWar(fixture), path + "##" + version, path, null);
    }

    private Context deploy(Path docBase, String name, String path, WebappLoader loader) {
        StandardContext context = new StandardContext();
        context.setName(name);
        context.setPath(path);
        context.setDocBase(docBase.toString());
        if (loader != null) {
            context.setLoader(loader);
        }
        StandardJarScanner scanner = new StandardJarScanner();
        // The test class path is the server's here; scanning it for fragments only slows every deploy.
        scanner.setScanClassPath(false);
        context.setJarScanner(scanner);
        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(tomcat.noDefaultWebXmlPath());
        context.addLifecycleListener(config);
        tomcat.getHost().addChild(context);
        if (!context.getState().isAvailable()) {
            throw new IllegalStateException("web application " + docBase + " failed to start at " + path);
        }
        return context;
    }

    /** The port the connector listens on, on 127.0.0.1, for tests that need their own HTTP client. */
    public int port() {
        return connector.getLocalPort();
    }

    /** A user of the server's realm, for web applications that ask for credentials. */
    public void addUser(String name, String password, String... roles) {
        tomcat.addUser(name, password);
        for (String role : roles) {
            tomcat.addRole(name, role);
        }
    }

    /** GETs {@code path} and returns the body; fails on anything but 200. */
    public String get(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI
                    .create("http://127.0.0.1:" + connector.getLocalPort() + path).toURL().openConnection();
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
                if (status != 200) {
                    throw new IllegalStateException("GET " + path + " answered " + status + ": " + text);
                }
                return text;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " failed", e);
        }
    }

    /**
     * Stops and removes the context, as an undeploy does, and returns a weak reference to its class loader so the
     * caller can watch whether it is collected.
     */
    public WeakReference<ClassLoader> undeploy(Context context) {
        WeakReference<ClassLoader> loader = new WeakReference<>(context.getLoader().getClassLoader());
        tomcat.getHost().removeChild(context);
        return loader;
    }

    /**
     * Stops and removes the contexts all at once, each on a thread of its own released together, as several undeploys
     * at a time or a host with several start-stop threads do; returns weak references to their loaders in order.
     */
    public List<WeakReference<ClassLoader>> undeployTogether(List<Context> contexts) {
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        CyclicBarrier together = new CyclicBarrier(contexts.size());
        ExecutorService stoppers = Executors.newFixedThreadPool(contexts.size());
        try {
            List<Future<WeakReference<ClassLoader>>> stopped = new ArrayList<>();
            for (Context context : contexts) {
                stopped.add(stoppers.submit(() -> {
                    together.await();
                    return undeploy(context);
                }));
            }
            for (Future<WeakReference<ClassLoader>> loader : stopped) {
                loaders.add(loader.get(1, TimeUnit.MINUTES));
            }
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the contexts did not all stop", e);
        } finally {
            stoppers.shutdownNow();
        }
        return loaders;
    }

    /** Stops the connector, which ends its request threads and, with them, whatever their ThreadLocals held. */
    public void endRequestThreads() {
        try {
            connector.stop();
        } catch (LifecycleException e) {
            throw new IllegalStateException("connector did not stop", e);
        }
    }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("embedded Tomcat did not stop", e);
        }
    }
}
