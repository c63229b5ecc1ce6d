package io.callauth.provider.yunhu;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Yunhu call center API (yunhu.seed.md): every method is a form POST to the one base URL, the method named by the
 * {@code service} field; answers are a {@code ret}/{@code data}/{@code msg} envelope, read as text.
 */
@RegisterRestClient(configKey = "yunhu")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
interface YunhuApi {

    @POST
    Uni<String> invoke(MultivaluedMap<String, String> form);
}
