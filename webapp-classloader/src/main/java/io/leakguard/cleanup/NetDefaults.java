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
 * <p>Each goes back to what the server had set before any web application ran, taken note of when the server
 * initialises (see {@link #remember()}): usually none, and for the proxy selector the JDK's, which honours the
 * {@code http.proxyHost} family of system properties; leaving none there would silently bypass the server's configured
 * proxies. A server library's authenticator (for a corporate proxy, say) that the application's passed requests on to
 * would otherwise go with it. What leakguard took for the server's is put back only when it is of the server's classes
 * and does not reach the application itself; else none. The file name map is reset to none: the JDK makes its own
 * again, from its {@code content-types.properties}, on next use; asking for it to take note of it would make it.
 */
final class NetDefaults implements LeakCheck {

    /** From before any web application ran: leakguard starts with the server. */
    private static volatile Authenticator serverAuthenticator = Authenticator.getDefault();
    private static volatile ProxySelector serverProxySelector = ProxySelector.getDefault();
    private static volatile CookieHandler serverCookieHandler = CookieHandler.getDefault();
    private static volatile ResponseCache serverResponseCache = ResponseCache.getDefault();

    /** Takes the defaults set now as the server's. */
    static void remember() {
        serverAuthenticator = Authenticator.getDefault();
        serverProxySelector = ProxySelector.getDefault();
        serverCookieHandler = CookieHandler.getDefault();
        serverResponseCache = ResponseCache.getDefault();
    }

    /** The JVM-wide default proxy selector from before any web application ran. */
    static ProxySelector serverProxySelector() {
        return serverProxySelector;
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
                serverAuthenticator);
        reset(scan, "ProxySelector", "ProxySelector.setDefault", ProxySelector::getDefault, ProxySelector::setDefault,
                serverProxySelector);
        reset(scan, "CookieHandler", "CookieHandler.setDefault", CookieHandler::getDefault, CookieHandler::setDefault,
                serverCookieHandler);
        reset(scan, "ResponseCache", "ResponseCache.setDefault", ResponseCache::getDefault, ResponseCache::setDefault,
                serverResponseCache);
        reset(scan, "FileNameMap", "URLConnection.setFileNameMap", URLConnection::getFileNameMap,
                URLConnection::setFileNameMap, null);
    }

    private static <T> void reset(Scan scan, String name, String setterName, Supplier<T> current, Consumer<T> setter,
            T servers) {
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
        if (scan.isServersToPutBack(servers)) {
            setter.accept(servers);
            leak.fixed(setterName + "(" + Describe.object(servers) + "): the server's, from before any application");
        } else {
            setter.accept(null);
            leak.fixed(setterName + "(null)");
        }
    }
}
