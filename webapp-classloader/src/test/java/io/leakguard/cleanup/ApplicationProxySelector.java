package io.leakguard.cleanup;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;

/**
 * A default proxy selector of an application, which {@link DyingLoader}s define anew in engine tests; as most do, it
 * passes what it does not route itself on to the selector that was the default before it.
 */
public final class ApplicationProxySelector extends ProxySelector {

    public ProxySelector previous;

    @Override
    public List<Proxy> select(URI uri) {
        return previous == null ? List.of(Proxy.NO_PROXY) : previous.select(uri);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        if (previous != null) {
            previous.connectFailed(uri, address, failure);
        }
    }
}
