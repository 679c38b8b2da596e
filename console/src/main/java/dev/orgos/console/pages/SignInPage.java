package dev.orgos.console.pages;

import dev.orgos.console.session.DevSignIns;
import dev.orgos.console.session.Sessions;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import org.jboss.logging.Logger;

/** Signing in and out. In development, as one of the demo's people; the token is the one ./orgos up minted. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class SignInPage {
    private static final Logger LOG = Logger.getLogger(SignInPage.class);

    @Inject
    Template signin;
    @Inject
    DevSignIns dev;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
    boolean oidc;

    @GET
    public Response home(@Context HttpHeaders headers) {
        return Response.seeOther(URI.create(Sessions.user(headers).isPresent() ? "/queue" : "/sign-in")).build();
    }

    @GET
    @Path("sign-in")
    public TemplateInstance page(@QueryParam("error") String error, @Context HttpHeaders headers) {
        return signin.data("people", dev.people()).data("devEnabled", dev.enabled()).data("oidc", oidc).data("error", error)
                .data("user", Sessions.user(headers).orElse(null)).data("page", "sign-in").data("done", null);
    }

    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("person") String person, @Context UriInfo uri) {
        return dev.person(person == null ? "" : person)
                .map(p -> {
                    LOG.infof("%s signed in to the console (development sign-in, roles: %s)", p.name(), p.roles());
                    return Response.seeOther(URI.create("/queue"))
                            .cookie(Sessions.signIn(p.token(), "https".equals(uri.getRequestUri().getScheme()))).build();
                })
                .orElseGet(() -> Pages.back("/sign-in", "error", "Choose one of the people listed."));
    }

    /** Through the organization's identity provider: this path needs an authenticated person, so OIDC signs them in first. */
    @GET
    @Path("sign-in/oidc")
    @io.quarkus.security.Authenticated
    public Response signInOidc() {
        Sessions.user(null).ifPresent(u -> LOG.infof("%s signed in to the console through the identity provider (roles: %s)",
                u.name(), u.roles()));
        return Response.seeOther(URI.create("/queue")).build();
    }

    @POST
    @Path("sign-out")
    public Response signOut(@Context UriInfo uri) {
        boolean secure = "https".equals(uri.getRequestUri().getScheme());
        // through the identity provider: end its session too (Quarkus OIDC's logout path)
        return Response.seeOther(URI.create(Sessions.viaOidc() ? "/sign-out/oidc" : "/sign-in")).cookie(Sessions.signOut(secure)).build();
    }
}
