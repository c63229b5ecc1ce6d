package io.callauth.console;

import io.callauth.attempts.Attempt;
import io.callauth.attempts.AttemptArchive;
import io.callauth.calls.CallRecords;
import io.callauth.calls.CallView;
import io.callauth.common.ApiProblem;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** One verification in the console: its timeline from the attempt records, its calls with the provider's records. */
@Path("/console/verifications")
@Produces(MediaType.TEXT_HTML)
public class VerificationPageResource {

    private final Template verification;
    private final ConsoleAttempts archive;
    private final CallRecords calls;
    private final ConsolePages pages;

    public VerificationPageResource(@Location("console/verification.html") Template verification,
                                    ConsoleAttempts archive, CallRecords calls, ConsolePages pages) {
        this.verification = verification;
        this.archive = archive;
        this.calls = calls;
        this.pages = pages;
    }

    @GET
    @Operation(hidden = true)
    @Path("/{id}")
    public TemplateInstance verification(@PathParam("id") String id, @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        if (id == null || !id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw ApiProblem.notFound("no such verification");
        }
        AttemptArchive.Page page = archive.verification(id, 500);
        List<Attempt> timeline = new ArrayList<>(page.items());
        Collections.reverse(timeline);
        List<CallView> callViews = calls.calls(id).await().atMost(ConsolePages.AWAIT);
        List<CallRow> callRows = callViews.stream().map(c -> CallRow.of(c, calls.keepsRecording(c))).toList();
        Attempt first = timeline.isEmpty() ? null : timeline.get(0);
        return pages.page(verification, s, "attempts").data("id", id).data("timeline", timeline).data("first", first)
                .data("state", VerificationState.of(timeline)).data("calls", callRows).data("truncated", page.next() != null)
                .data("phoneLink", first == null || first.phone() == null ? null
                        : "/console/attempts?" + Links.query(Map.of("phone", first.phone())));
    }
}
