package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.spi.IIORegistry;

/**
 * ImageIO plugins of the web application's classes in the JVM-wide ImageIO registry. An application, or a plugin
 * library in {@code WEB-INF/lib} such as TwelveMonkeys, calls {@code ImageIO.scanForPlugins()}, which registers every
 * plugin its context class loader finds, and nothing ever deregisters them: the registry then keeps the application,
 * and every other application's image lookups keep calling its stopped code. Each plugin of the application's classes
 * is deregistered, which is what such a library's own servlet context listener does when it is installed.
 *
 * <p>Only applications that loaded a plugin class are looked at, so stopping one that never did neither initialises
 * ImageIO nor creates its registry.
 */
final class ImageIoPlugins implements LeakCheck {

    private static final String SERVICE_PROVIDER = "javax.imageio.spi.IIOServiceProvider";

    @Override
    public String id() {
        return "imageIoPlugins";
    }

    @Override
    public String kind() {
        return "ImageIoPlugin";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        return List.of(LoadedClasses.CLASSES);
    }

    @Override
    public void run(Scan scan) throws InterruptedException {
        if (!JdkInternals.hasModule("java.desktop")) {
            return;
        }
        Class<?> base = pluginBase();
        if (LoadedClasses.of(scan.loader()).stream().noneMatch(base::isAssignableFrom)) {
            return;
        }
        Registry.deregister(scan);
    }

    /** The plugins' base class, loaded without being initialised: neither ImageIO's registry nor AWT is touched. */
    private static Class<?> pluginBase() {
        try {
            return Class.forName(SERVICE_PROVIDER, false, null);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("java.desktop is present but has no " + SERVICE_PROVIDER, e);
        }
    }

    /** Apart, so that a runtime without {@code java.desktop} never links a class that names its types. */
    private static final class Registry {

        static void deregister(Scan scan) throws InterruptedException {
            // Should this be the registry's first use, making it registers every plugin the context class loader
            // finds: the engine runs checks with its own loader as the context one.
            IIORegistry registry = IIORegistry.getDefaultInstance();
            for (Object plugin : pluginsOf(scan.ownership(), registry)) {
                Scan.Leak leak =
                        scan.leak("ImageIO plugin " + Describe.object(plugin) + " in the JVM-wide IIORegistry");
                if (!scan.fixing()) {
                    leak.warned(scan.policyReason());
                    continue;
                }
                leak.fixed("deregistered from every category" + deregistered(registry, plugin,
                        scan.policy().threadStopWait()));
            }
        }

        /**
         * The registry takes a plugin out of its category, and each of ImageIO's categories is a class to extend, so a
         * plugin has one, before it calls the plugin's onDeregistration, the application's code: that failing, or
         * waiting for good, leaves nothing to undo, and must neither leave the application's other plugins registered
         * nor keep the pass.
         */
        private static String deregistered(IIORegistry registry, Object plugin, Duration wait)
                throws InterruptedException {
            BoundedCall call = BoundedCall.run("leakguard-deregister-plugin",
                    () -> registry.deregisterServiceProvider(plugin), wait);
            if (call.running()) {
                return "; its onDeregistration was still running after " + wait.toMillis() + " ms, left to finish on"
                        + " its own thread";
            }
            return call.returned() ? "" : "; its onDeregistration failed with " + Describe.failure(call.failure());
        }

        /**
         * The application's plugins. Each is listed once: the registry's categories are fixed when it is made, five
         * sibling classes of which a plugin extends one.
         */
        private static List<Object> pluginsOf(Ownership ownership, IIORegistry registry) {
            List<Object> plugins = new ArrayList<>();
            for (Iterator<Class<?>> categories = registry.getCategories(); categories.hasNext();) {
                for (Iterator<?> providers = registry.getServiceProviders(categories.next(), false);
                        providers.hasNext();) {
                    Object provider = providers.next();
                    if (ownership.ownsObject(provider)) {
                        plugins.add(provider);
                    }
                }
            }
            return plugins;
        }
    }
}
