package io.callauth.console;

import io.callauth.common.ApiProblem;
import io.callauth.rules.AuditEntry;
import io.callauth.rules.Rule;
import io.callauth.rules.RuleField;
import io.callauth.rules.RuleRequest;
import io.callauth.rules.Rules;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rules in the console: the rules in force and the audit trail, add one, remove one. */
@Path("/console/rules")
@Produces(MediaType.TEXT_HTML)
public class RulesPageResource {

    private final Template rulesPage;
    private final Rules rules;
    private final ConsolePages pages;

    public RulesPageResource(@Location("console/rules.html") Template rulesPage, Rules rules, ConsolePages pages) {
        this.rulesPage = rulesPage;
        this.rules = rules;
        this.pages = pages;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance rulesPage(@Context ContainerRequestContext ctx) {
        return rulesView(ConsolePages.session(ctx), null, null);
    }

    private TemplateInstance rulesView(ConsoleSession s, String error, Map<String, String> form) {
        List<Rule> list = rules.list().await().atMost(ConsolePages.AWAIT);
        List<AuditEntry> audit = rules.audit(50).await().atMost(ConsolePages.AWAIT);
        return pages.page(rulesPage, s, "rules").data("rules", list).data("audit", audit).data("error", error)
                .data("f", form == null ? Map.of() : form)
                .data("fields", RuleField.wires());
    }

    @POST
    @Operation(hidden = true)
    public Response addRule(@RestForm String action, @RestForm String mode, @RestForm String field,
                            @RestForm String value, @RestForm String reason, @RestForm String expiresAt,
                            @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        Map<String, Object> match = new LinkedHashMap<>();
        match.put(field == null || field.isBlank() ? "?" : field, value == null ? "" : value.strip());
        String expires = expiresAt == null || expiresAt.isBlank() ? null : ConsolePages.instant(expiresAt.strip());
        try {
            rules.create(new RuleRequest(action, match, mode, reason, expires), s.actor())
                    .await().atMost(ConsolePages.AWAIT);
        } catch (ApiProblem p) {
            if (p.status() != 400) {
                throw p;
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("action", action);
            form.put("mode", mode);
            form.put("field", field);
            form.put("value", value);
            form.put("reason", reason);
            form.put("expiresAt", expiresAt);
            return Response.status(400).entity(rulesView(s, p.getMessage(), form)).build();
        }
        return Response.seeOther(URI.create("/console/rules")).build();
    }

    @POST
    @Operation(hidden = true)
    @Path("/{id}/delete")
    public Response deleteRule(@PathParam("id") String id, @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        rules.delete(id, s.actor()).await().atMost(ConsolePages.AWAIT);
        return Response.seeOther(URI.create("/console/rules")).build();
    }
}
