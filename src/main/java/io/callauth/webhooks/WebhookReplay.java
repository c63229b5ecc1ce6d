package io.callauth.webhooks;

import io.callauth.attempts.Attempt;
import io.callauth.attempts.AttemptArchive;
import io.callauth.attempts.AttemptFilter;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.ApiProblem;
import io.callauth.common.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sends an endpoint again what it subscribes to, from the attempt archive (PostgreSQL): every record since a time, made
 * into the same events with the same ids as the first time ({@link EventMapper}; the archive's record ids are the
 * stream's), queued again even when they were delivered. At most {@value #MAX} records a replay. Blocking JDBC: worker
 * threads only.
 */
@ApplicationScoped
public class WebhookReplay {

    /** most records one replay reads */
    public static final int MAX = 100_000;
    private static final int PAGE = 1000;
    private static final int CHUNK = 500;
    private static final Logger LOG = Logger.getLogger(WebhookReplay.class);

    private final AttemptArchive archive;
    private final EventMapper mapper;
    private final DeliveryQueue queue;
    private final Clock clock;

    public WebhookReplay(AttemptArchive archive, EventMapper mapper, DeliveryQueue queue, Clock clock) {
        this.archive = archive;
        this.mapper = mapper;
        this.queue = queue;
        this.clock = clock;
    }

    /** what a replay queued */
    public record Replayed(int records, int events) {
    }

    public Replayed replay(Endpoint endpoint, String sinceText) {
        Instant since = Timestamps.require(sinceText, "since");
        Instant now = clock.instant();
        if (!since.isBefore(now)) {
            throw ApiProblem.invalidRequest("since is not in the past");
        }
        List<Attempt> records = read(endpoint, since, now);
        Collections.reverse(records); // oldest first: a failed call's fallback follows it
        List<Event> events = new ArrayList<>();
        Map<String, String> nextProvider = nextProviders(records);
        for (Attempt a : records) {
            AttemptRecord r = record(a);
            mapper.map(a.id(), r, Optional.ofNullable(nextProvider.get(a.id())))
                    .filter(e -> endpoint.wants(e.type(), e.apiKey()))
                    .ifPresent(events::add);
        }
        int queued = 0;
        for (int i = 0; i < events.size(); i += CHUNK) {
            queued += queue.enqueue(endpoint.id(), events.subList(i, Math.min(events.size(), i + CHUNK)), true);
        }
        LOG.infof("webhook endpoint %s: %d events replayed from %d records since %s", endpoint.id(), queued,
                records.size(), since);
        return new Replayed(records.size(), queued);
    }

    /** the archive's records of the window, newest first (only the endpoint's key's, unless it is a fraud key's) */
    private List<Attempt> read(Endpoint endpoint, Instant since, Instant now) {
        List<Attempt> out = new ArrayList<>();
        String cursor = null;
        try {
            do {
                Map<String, List<String>> q = new HashMap<>();
                q.put("from", List.of(since.toString()));
                q.put("to", List.of(now.toString()));
                if (!endpoint.fraud()) {
                    q.put("apiKey", List.of(endpoint.apiKey()));
                }
                if (cursor != null) {
                    q.put("cursor", List.of(cursor));
                }
                AttemptArchive.Page page = archive.list(AttemptFilter.parse(q, Set.of()), PAGE);
                out.addAll(page.items());
                cursor = page.next();
            } while (cursor != null && out.size() < MAX);
        } catch (SQLException e) {
            throw ApiProblem.archiveUnavailable("the attempt archive cannot be reached; replay later");
        }
        return out;
    }

    /** for each failed call (by record id), the provider of the fallback that follows it, if one does */
    private static Map<String, String> nextProviders(List<Attempt> oldestFirst) {
        Map<String, String> out = new HashMap<>();
        Map<String, Attempt> lastFailed = new HashMap<>();
        for (Attempt a : oldestFirst) {
            if (a.verificationId() == null) {
                continue;
            }
            Attempt failed = lastFailed.remove(a.verificationId());
            AttemptRecord r = record(a);
            if (failed != null && EventMapper.isFallback(r) && a.provider() != null) {
                out.put(failed.id(), a.provider());
            }
            if (EventMapper.isFailedCall(r)) {
                lastFailed.put(a.verificationId(), a);
            }
        }
        return out;
    }

    static AttemptRecord record(Attempt a) {
        return new AttemptRecord(a.at().toEpochMilli(), a.type(), a.verificationId(), a.phone(), a.country(),
                a.prefix(), a.provider(), a.channel(), a.outcome(), a.reason(), a.rule(), a.apiKey(), a.ip(),
                a.userAgent(), a.appId(), a.deviceId());
    }

}
