package io.callauth.console;

import io.callauth.common.ApiProblem;
import io.callauth.defence.AutoBlocks;
import io.callauth.defence.DefenceBlock;
import io.callauth.defence.DefenceResource;
import io.callauth.defence.DefenceState;
import io.callauth.defence.HotRanges;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The automatic defence in the console: its mode, the active and recent auto-blocks with their evidence (Release;
 * Release and allow for N days), and the hottest ranges with their baselines.
 */
@Path("/console/defence")
@Produces(MediaType.TEXT_HTML)
public class DefencePageResource {

    private final Template defencePage;
    private final DefenceState state;
    private final AutoBlocks blocks;
    private final ConsolePages pages;

    public DefencePageResource(@Location("console/defence.html") Template defencePage, DefenceState state,
                               AutoBlocks blocks, ConsolePages pages) {
        this.defencePage = defencePage;
        this.state = state;
        this.blocks = blocks;
        this.pages = pages;
    }

    /** one block as the page shows it: in force or not, its evidence as "figure: value" pairs */
    public record BlockRow(DefenceBlock b, boolean active, String signal, List<String> evidence) {
        static BlockRow of(DefenceBlock b, boolean active) {
            Map<String, Object> ev = b.evidence() == null ? Map.of() : b.evidence();
            return new BlockRow(b, active, String.valueOf(ev.getOrDefault("signal", "")), ev.entrySet().stream()
                    .filter(e -> !e.getKey().equals("signal")).map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.toList()));
        }
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance defencePage(@Context ContainerRequestContext ctx) {
        return view(ConsolePages.session(ctx), null);
    }

    private TemplateInstance view(ConsoleSession s, String error) {
        DefenceResource.View v = state.view(20);
        List<BlockRow> rows = v.blocks().stream().map(b -> BlockRow.of(b, state.active(b))).toList();
        List<HotRanges.Hot> hot = v.hottest();
        return pages.page(defencePage, s, "defence").data("mode", v.mode())
                .data("active", rows.stream().filter(BlockRow::active).toList())
                .data("recent", rows.stream().filter(r -> !r.active()).toList())
                .data("hottest", hot).data("error", error);
    }

    @POST
    @Operation(hidden = true)
    @Path("/{ruleId}/release")
    public Response release(@PathParam("ruleId") String ruleId, @RestForm String allow, @RestForm String allowDays,
                            @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        Integer days = null;
        if ("1".equals(allow)) {
            try {
                days = Integer.valueOf(allowDays == null ? "" : allowDays.strip());
            } catch (NumberFormatException e) {
                return Response.status(400).entity(view(s, "allow for how many days? 1 to 365")).build();
            }
        }
        try {
            if (blocks.release(ruleId, s.actor(), days).isEmpty()) {
                return Response.status(404).entity(view(s, "no such automatic block")).build();
            }
        } catch (ApiProblem p) {
            if (p.status() != 400) {
                throw p;
            }
            return Response.status(400).entity(view(s, p.getMessage())).build();
        }
        return Response.seeOther(URI.create("/console/defence")).build();
    }
}
