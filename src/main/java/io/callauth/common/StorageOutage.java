package io.callauth.common;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redis unreachable or timing out is a dependency outage, not an internal error: requests that could not be served
 * answer 503 {@code storage_unavailable} with {@code Retry-After}, and the outage is logged once at WARN when it
 * starts and once at INFO when a request succeeds again (not once per request as an incident).
 */
@ApplicationScoped
public class StorageOutage {

    private static final Logger LOG = Logger.getLogger(StorageOutage.class);
    public static final long RETRY_AFTER_SECONDS = 5;
    private final AtomicLong since = new AtomicLong();

    /** whether {@code t} (or a cause) is Redis being unreachable, closing connections, or not answering in time */
    public static boolean isOutage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String cls = c.getClass().getName();
            String msg = c.getMessage() == null ? "" : c.getMessage();
            if (c instanceof ConnectException || c instanceof NoRouteToHostException
                    || c instanceof ClosedChannelException || c instanceof TimeoutException
                    || c instanceof io.smallrye.mutiny.TimeoutException
                    || cls.equals("io.netty.channel.ConnectTimeoutException")
                    || cls.startsWith("io.netty.channel.AbstractChannel$AnnotatedConnectException")
                    || (c instanceof IOException && (msg.contains("Connection reset") || msg.contains("Broken pipe")))
                    || msg.contains("Connection refused") || msg.contains("Connection is closed")
                    || msg.contains("Connection closed") || msg.startsWith("LOADING ")
                    || msg.contains("Connection pool reached max wait queue size")) {
                return true;
            }
        }
        return false;
    }

    /** Notes a failed request; the first of an outage is logged. */
    public void failed(Throwable t) {
        if (since.compareAndSet(0, System.currentTimeMillis())) {
            LOG.warnf("Redis cannot be reached (%s): requests answer 503 storage_unavailable until it is back",
                    plain(t));
        }
    }

    /** Notes a request served; the first after an outage logs its end. */
    public void served() {
        long s = since.get();
        if (s != 0 && since.compareAndSet(s, 0)) {
            LOG.infof("Redis reachable again after %d s", (System.currentTimeMillis() - s) / 1000);
        }
    }

    public boolean ongoing() {
        return since.get() != 0;
    }

    /** the root cause in a few plain words: no class names */
    public static String plain(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? "" : root.getMessage();
        if (root instanceof TimeoutException || root instanceof io.smallrye.mutiny.TimeoutException
                || root.getClass().getName().endsWith("ConnectTimeoutException")) {
            return "no answer in time";
        }
        if (m.contains("Connection refused")) {
            return "connection refused";
        }
        if (m.contains("closed") || m.contains("reset") || m.contains("Broken pipe")) {
            return "connection lost";
        }
        return m.isEmpty() ? "unreachable" : m.replaceAll("^[\\w.$]+: ", "");
    }
}
