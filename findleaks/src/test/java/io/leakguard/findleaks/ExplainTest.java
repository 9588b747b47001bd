package io.leakguard.findleaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.net.Authenticator;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import org.apache.commons.logging.LogFactory;
import org.apache.commons.logging.impl.LogFactoryImpl;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Leak chains read from a live heap dump, for leak kinds no fixture covers yet. */
class ExplainTest {

    /** Held from a static field, as a server library's registry would hold it. */
    static Object held;

    /** What the "web application" schedules on a server-wide Timer. */
    public static final class Task extends TimerTask {
        @Override
        public void run() {
        }
    }

    /** The "web application's" proxy selector, given to an HttpClient that outlives the application. */
    public static final class Selector extends ProxySelector {

        @Override
        public List<Proxy> select(URI uri) {
            return List.of(Proxy.NO_PROXY);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        }
    }

    /** The "web application's" credentials for an HttpClient that outlives the application. */
    public static final class Credentials extends Authenticator {
    }

    /** A JDBC driver the "web application" registers and never deregisters. */
    public static final class Driver implements java.sql.Driver {

        /** DriverManager only lets code that sees the driver's class deregister it: the application's own copy. */
        public static void deregister(java.sql.Driver driver) throws SQLException {
            DriverManager.deregisterDriver(driver);
        }

        @Override
        public Connection connect(String url, Properties info) {
            return null;
        }

        @Override
        public boolean acceptsURL(String url) {
            return false;
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
            return new DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }
    }

    /** Any class of the "web application". */
    public static final class Value {
    }

    /** A ClassValue of the "web application" whose value for a class of the JDK holds the application. */
    public static final class Computed extends ClassValue<Object> implements Runnable {
        /** As applications keep their ClassValues. */
        static Computed instance;

        @Override
        protected Object computeValue(Class<?> type) {
            return new Object[] {Computed.class};
        }

        @Override
        public void run() {
            instance = this;
            get(String.class);
        }
    }

    /** What the "web application" asks a server's Cleaner to run once an object of the server is unreachable. */
    public static final class Release implements Runnable {
        @Override
        public void run() {
        }
    }

    /** What the "web application" counts garbage collections with. */
    public static final class GcCounter implements NotificationListener {
        @Override
        public void handleNotification(Notification notification, Object handback) {
        }
    }

    /** What the "web application" redraws its console with when the terminal is resized. */
    /** A commons-logging factory of the application's own, as log4j-jcl's is. */
    public static final class AppLogFactory extends LogFactoryImpl {
    }

    public static final class Redraw implements SignalHandler {
        @Override
        public void handle(Signal signal) {
        }
    }

    /** Code of the "web application" that makes an exception: the exception's stack names its class. */
    public static final class Failing implements java.util.function.Supplier<Exception> {
        @Override
        public Exception get() {
            return new IllegalStateException("made by the application");
        }
    }

    @Test
    void contextClassLoaderOfAThreadThatOutlivesTheApplication() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread thread = new Thread(() -> await(done), "left-behind");
        try {
            LeakPath path = explain(loader -> {
                thread.setContextClassLoader(loader);
                thread.start();
            });
            assertEquals("thread context class loader (Thread.contextClassLoader)", path.kind(), path.text());
            assertTrue(path.root().startsWith("live thread \"left-behind\""), path.text());
            assertTrue(path.text().endsWith("-> Thread.contextClassLoader = io.leakguard.findleaks.DefiningLoader@"
                    + path.links().get(path.cut()).to().split("@")[1] + "   <== cut this reference"), path.text());
        } finally {
            done.countDown();
            thread.join();
        }
    }

    @Test
    void staticFieldOfAServerClass() {
        try {
            LeakPath path = explain(loader -> held = loader.newInstance(Value.class));
            assertEquals("static field", path.kind(), path.text());
            assertTrue(path.oneLine().endsWith("-> static ExplainTest.held (static field)"), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("io.leakguard.findleaks.ExplainTest$Value@"));
        } finally {
            held = null;
        }
    }

    @Test
    void exceptionMadeInTheApplicationHeldByAServerClass() {
        try {
            LeakPath path = explain(loader -> {
                @SuppressWarnings("unchecked")
                java.util.function.Supplier<Exception> failing =
                        (java.util.function.Supplier<Exception>) loader.newInstance(Failing.class);
                held = failing.get();
            });
            assertEquals("stack trace of a kept exception (Throwable.backtrace)", path.kind(), path.text());
            assertTrue(path.oneLine().contains("-> static ExplainTest.held -> Throwable.backtrace"), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("class io.leakguard.findleaks.ExplainTest$Failing"),
                    path.text());
        } finally {
            held = null;
        }
    }

    @Test
    void valueAClassValueComputedForAJdkClass() {
        // Held weakly here, so that only String's values and the application hold the ClassValue.
        List<WeakReference<Object>> computed = new ArrayList<>();
        try {
            LeakPath path = explain(loader -> {
                Runnable classValue = (Runnable) loader.newInstance(Computed.class);
                classValue.run();
                computed.add(new WeakReference<>(classValue));
            });
            assertEquals("ClassValue of a class outside the application (Class.classValueMap)", path.kind(),
                    path.text());
            assertTrue(path.root().startsWith("ClassValue values of a class"), path.text());
            assertTrue(path.links().get(path.cut()).to()
                    .startsWith("class io.leakguard.findleaks.ExplainTest$Computed"), path.text());
        } finally {
            if (computed.get(0).get() instanceof ClassValue<?> classValue) {
                classValue.remove(String.class);
            }
        }
    }

    @Test
    void actionRegisteredWithACleaner() {
        Cleaner cleaner = Cleaner.create();
        Cleaner.Cleanable[] cleanable = new Cleaner.Cleanable[1];
        held = new Object();
        try {
            LeakPath path = explain(loader -> cleanable[0] = cleaner.register(held,
                    (Runnable) loader.newInstance(Release.class)));
            assertEquals("Cleaner action (CleanerImpl$PhantomCleanableRef.action)", path.kind(), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("io.leakguard.findleaks.ExplainTest$Release@"),
                    path.text());
        } finally {
            cleanable[0].clean();
            held = null;
        }
    }

    @Test
    void taskOnASharedTimer() {
        Timer timer = new Timer("shared-timer", true);
        try {
            LeakPath path = explain(loader -> timer.schedule((TimerTask) loader.newInstance(Task.class),
                    Duration.ofHours(1).toMillis()));
            assertEquals("Timer task", path.kind(), path.text());
            // The timer thread waits with the next task in a local variable: the shortest chain is that one.
            assertTrue(path.root().startsWith("local variable in thread \"shared-timer\" holding "
                    + "io.leakguard.findleaks.ExplainTest$Task@"), path.text());
            assertTrue(path.text().contains("$Task@") && path.text().endsWith("   <== cut this reference"),
                    path.text());
        } finally {
            timer.cancel();
        }
    }

    @Test
    void proxySelectorKeptByAnHttpClient() {
        HttpClient[] client = new HttpClient[1];
        try {
            LeakPath path = explain(loader -> client[0] = HttpClient.newBuilder()
                    .proxy((ProxySelector) loader.newInstance(Selector.class)).build());
            assertEquals("ProxySelector kept by an HttpClient (HttpClientImpl.proxySelector)", path.kind(),
                    path.text());
            assertTrue(path.root().startsWith("live thread \"HttpClient-"), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("io.leakguard.findleaks.ExplainTest$Selector@"),
                    path.text());
        } finally {
            client[0] = null;
        }
    }

    @Test
    void authenticatorKeptByAnHttpClient() {
        HttpClient[] client = new HttpClient[1];
        try {
            LeakPath path = explain(loader -> client[0] = HttpClient.newBuilder()
                    .authenticator((Authenticator) loader.newInstance(Credentials.class)).build());
            assertEquals("object kept by an HttpClient (HttpClientImpl)", path.kind(), path.text());
            assertTrue(path.oneLine().contains(" -> HttpClientImpl.authenticator ("), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("io.leakguard.findleaks.ExplainTest$Credentials@"),
                    path.text());
        } finally {
            client[0] = null;
        }
    }

    @Test
    void listenerLeftOnAGarbageCollector() throws ListenerNotFoundException {
        NotificationEmitter collector = (NotificationEmitter) ManagementFactory.getGarbageCollectorMXBeans().get(0);
        // Weakly, or the test's own reference would be the shortest chain: the collector holds it meanwhile.
        List<WeakReference<NotificationListener>> listener = new ArrayList<>();
        try {
            LeakPath path = explain(loader -> {
                NotificationListener counter = (NotificationListener) loader.newInstance(GcCounter.class);
                collector.addNotificationListener(counter, null, null);
                listener.add(new WeakReference<>(counter));
            });
            assertEquals("notification listener of a JDK MXBean (NotificationEmitterSupport.listenerList)", path.kind(),
                    path.text());
            assertTrue(path.oneLine().contains("-> NotificationEmitterSupport.listenerList -> "), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("io.leakguard.findleaks.ExplainTest$GcCounter@"),
                    path.text());
        } finally {
            collector.removeNotificationListener(listener.get(0).get());
        }
    }

    @Test
    void listenerLeftOnTheMBeanServerDelegate() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<WeakReference<NotificationListener>> listener = new ArrayList<>();
        try {
            LeakPath path = explain(loader -> {
                NotificationListener watch = (NotificationListener) loader.newInstance(GcCounter.class);
                try {
                    server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, watch, null, null);
                } catch (InstanceNotFoundException e) {
                    throw new IllegalStateException(e);
                }
                listener.add(new WeakReference<>(watch));
            });
            assertEquals("notification listener of the MBean server's delegate (MBeanServerDelegate.broadcaster)",
                    path.kind(), path.text());
            assertTrue(path.oneLine().contains("-> MBeanServerDelegate.broadcaster -> "), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("io.leakguard.findleaks.ExplainTest$GcCounter@"),
                    path.text());
        } finally {
            if (!listener.isEmpty()) {
                server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener.get(0).get());
            }
        }
    }

    /** What LogFactory.getFactory() caches when the application names its own factory. */
    @Test
    void factoryCachedByTheServersCommonsLogging() {
        try {
            LeakPath path = explain(loader -> cache(loader, (LogFactory) loader.newInstance(AppLogFactory.class)));
            assertEquals("commons-logging factory cache (LogFactory.factories)", path.kind(), path.text());
            assertTrue(path.oneLine().contains("static LogFactory.factories -> "), path.text());
        } finally {
            LogFactory.releaseAll();
        }
    }

    /** Straight into the cache, from a frame of its own: a local of the test's would be the shortest chain. */
    @SuppressWarnings("unchecked")
    private static void cache(ClassLoader loader, LogFactory factory) {
        try {
            Field cache = LogFactory.class.getDeclaredField("factories");
            cache.setAccessible(true);
            ((Map<ClassLoader, LogFactory>) cache.get(null)).put(loader, factory);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void signalHandlerLeftInstalled() {
        Signal resize = new Signal("WINCH");
        SignalHandler[] before = new SignalHandler[1];
        try {
            LeakPath path = explain(loader -> before[0] = Signal.handle(resize,
                    (SignalHandler) loader.newInstance(Redraw.class)));
            assertEquals("signal handler (Signal.handlers)", path.kind(), path.text());
            assertTrue(path.oneLine().contains("static Signal.handlers -> "), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("io.leakguard.findleaks.ExplainTest$Redraw@"),
                    path.text());
        } finally {
            Signal.handle(resize, before[0]);
        }
    }

    @Test
    void jdbcDriverLeftInDriverManager() throws Exception {
        java.sql.Driver[] driver = new java.sql.Driver[1];
        try {
            LeakPath path = explain(loader -> {
                driver[0] = (java.sql.Driver) loader.newInstance(Driver.class);
                register(driver[0]);
                driver[0] = null;
            });
            assertEquals("JDBC driver in DriverManager's list", path.kind(), path.text());
            assertTrue(path.oneLine().contains("-> static DriverManager.registeredDrivers -> "), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("io.leakguard.findleaks.ExplainTest$Driver@"),
                    path.text());
        } finally {
            for (java.sql.Driver registered : DriverManager.drivers().toList()) {
                if (registered.getClass().getName().equals(Driver.class.getName())) {
                    registered.getClass().getMethod("deregister", java.sql.Driver.class).invoke(null, registered);
                }
            }
        }
        assertTrue(DriverManager.drivers().noneMatch(d -> d.getClass().getName().equals(Driver.class.getName())));
    }

    private static void register(java.sql.Driver driver) {
        try {
            DriverManager.registerDriver(driver);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Leaks a new "application" loader the way {@code leak} does; no frame of the test holds the loader after it. */
    private static LeakPath explain(Consumer<DefiningLoader> leak) {
        try (LeakDetector detector = new LeakDetector(Duration.ofDays(1))) {
            stopLeaking(detector, leak);
            return detector.explain("/app").orElseThrow(() -> new AssertionError("no chain found"));
        }
    }

    private static void stopLeaking(LeakDetector detector, Consumer<DefiningLoader> leak) {
        DefiningLoader loader = new DefiningLoader();
        leak.accept(loader);
        detector.stopped(loader, "/app", Instant.now());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
