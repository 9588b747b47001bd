package io.leakguard.cleanup;

import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.ResponseCache;
import java.net.URLConnection;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The JVM-wide defaults of {@code java.net} set to one of the web application's classes: {@code Authenticator},
 * {@code ProxySelector}, {@code CookieHandler} and {@code ResponseCache} each keep their default in a static field,
 * and every later connection of every application would go through the dead application's code; so does the
 * {@code FileNameMap} every content type guessed from a file name comes from.
 *
 * <p>Each is reset to what the JDK has without it: none, except the proxy selector, which goes back to the one in
 * place when leakguard started (the JDK's, which honours the {@code http.proxyHost} family of system properties);
 * leaving none there would silently bypass the server's configured proxies. With no file name map set, the JDK makes
 * its own again, from its {@code content-types.properties}, on next use.
 */
final class NetDefaults implements LeakCheck {

    /** Captured before any web application ran: leakguard starts with the server. */
    private static final ProxySelector STARTUP_PROXY_SELECTOR = ProxySelector.getDefault();

    /** The JVM-wide default proxy selector from before any web application ran. */
    static ProxySelector startupProxySelector() {
        return STARTUP_PROXY_SELECTOR;
    }

    @Override
    public String id() {
        return "netDefaults";
    }

    @Override
    public String kind() {
        return "NetDefault";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public void run(Scan scan) {
        reset(scan, "Authenticator", "Authenticator.setDefault", Authenticator::getDefault, Authenticator::setDefault,
                null);
        ProxySelector restored = scan.ownership().ownsObject(STARTUP_PROXY_SELECTOR) ? null : STARTUP_PROXY_SELECTOR;
        reset(scan, "ProxySelector", "ProxySelector.setDefault", ProxySelector::getDefault, ProxySelector::setDefault,
                restored);
        reset(scan, "CookieHandler", "CookieHandler.setDefault", CookieHandler::getDefault, CookieHandler::setDefault,
                null);
        reset(scan, "ResponseCache", "ResponseCache.setDefault", ResponseCache::getDefault, ResponseCache::setDefault,
                null);
        reset(scan, "FileNameMap", "URLConnection.setFileNameMap", URLConnection::getFileNameMap,
                URLConnection::setFileNameMap, null);
    }

    private static <T> void reset(Scan scan, String name, String setterName, Supplier<T> current, Consumer<T> setter,
            T replacement) {
        T value = current.get();
        if (!scan.ownership().ownsObject(value)) {
            return;
        }
        Scan.Leak leak = scan.leak("default " + name + " " + Describe.object(value));
        Optional<String> kept = scan.keptForAnotherApplication(value);
        if (kept.isPresent()) {
            leak.warned(kept.get());
            return;
        }
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        setter.accept(replacement);
        leak.fixed(setterName + "(" + (replacement == null ? "null" : Describe.object(replacement)) + ")");
    }
}
