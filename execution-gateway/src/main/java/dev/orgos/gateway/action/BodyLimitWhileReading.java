package dev.orgos.gateway.action;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The action size limit for bodies that do not announce their length (chunked): they are
 * counted while read and refused with the same 413 problem detail as {@link BodyLimit} gives
 * when the length is announced. Without it, such a body up to the HTTP layer's backstop (1 MiB)
 * was accepted as an action. Past the backstop, the HTTP layer may refuse first (a plain 413,
 * connection closed): it counts bytes as they arrive, this counts them as they are parsed.
 */
@Provider
public class BodyLimitWhileReading implements ReaderInterceptor {

    @ConfigProperty(name = BodyLimit.MAX_BYTES, defaultValue = "65536")
    long maxBytes;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        context.setInputStream(new Counting(context.getInputStream(), maxBytes));
        return context.proceed();
    }

    private static final class Counting extends FilterInputStream {
        private final long max;
        private long read;

        Counting(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > max) {
                throw new WebApplicationException(BodyLimit.tooLarge(max, "larger"));
            }
        }
    }
}
