package io.leakguard.cleanup;

import java.io.File;
import java.util.Locale;
import javax.imageio.spi.ImageInputStreamSpi;
import javax.imageio.spi.ServiceRegistry;
import javax.imageio.stream.ImageInputStream;

/**
 * An ImageIO plugin of an application, which {@link DyingLoader}s define anew in engine tests, whose
 * onDeregistration fails on what the application's stop closed already.
 */
public class ApplicationImageInputStreamSpi extends ImageInputStreamSpi {

    /** A second plugin of the application: the registry keeps one plugin per class. */
    public static final class Another extends ApplicationImageInputStreamSpi {
    }

    /** One whose onDeregistration waits for a peer no longer answering, until the test's gate releases it. */
    public static final class Stalled extends ApplicationImageInputStreamSpi {

        @Override
        public void onDeregistration(ServiceRegistry registry, Class<?> category) {
            CallbackGate.current().awaitRelease();
        }
    }

    public ApplicationImageInputStreamSpi() {
        super("leakguard", "1", Object.class);
    }

    @Override
    public ImageInputStream createInputStreamInstance(Object input, boolean useCache, File cacheDir) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String getDescription(Locale locale) {
        return "an application's image input stream";
    }

    @Override
    public void onDeregistration(ServiceRegistry registry, Class<?> category) {
        throw new IllegalStateException("plugin already closed");
    }
}
