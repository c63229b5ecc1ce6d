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
import org.jboss.resteasy.reactive.RestQuery;

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
    public TemplateInstance rulesPage(@RestQuery String action, @RestQuery String field, @RestQuery String value,
                                      @RestQuery String reason, @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        if (value == null || value.isBlank()) {
            return rulesView(s, null, null);
        }
        // a one-click block's link without its dialog: the form prefilled, the analyst confirms
        Map<String, String> form = new LinkedHashMap<>();
        form.put("action", Rule.ALLOW.equals(action) ? Rule.ALLOW : Rule.BLOCK);
        form.put("mode", Rule.ENFORCE);
        form.put("field", field);
        form.put("value", value);
        form.put("reason", reason);
        form.put("expiresAt", pages.blockExpires());
        return rulesView(s, null, form);
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
                            @RestForm String back, @Context ContainerRequestContext ctx) {
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
        return Response.seeOther(URI.create(back(back))).build();
    }

    /** where a one-click block returns to: the console page it was made on, else the rules page */
    static String back(String back) {
        boolean console = back != null && back.length() <= 4000 && (back.equals("/console")
                || back.startsWith("/console?") || back.startsWith("/console/"))
                && back.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\') && !back.contains("//");
        if (!console) {
            return "/console/rules";
        }
        try {
            return URI.create(back).toString();
        } catch (IllegalArgumentException e) {
            return "/console/rules";
        }
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
