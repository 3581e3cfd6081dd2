package io.certfn.cloud.aws;

import io.certfn.identity.PlatformConfig;import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.certfn.auth.PlatformIdentity;
import io.certfn.identity.AuthenticationException;
import io.certfn.identity.Caller;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The caller a Lambda Function URL with {@code AuthType AWS_IAM} verified: Lambda checks the
 * SigV4 signature and puts the signer in the event's {@code requestContext.authorizer.iam}.
 * Read only in this Lambda build and only with {@code certfn.platform.aws.function-url-auth=AWS_IAM};
 * with {@code NONE} anyone could invoke the URL with a forged event field, so it is ignored.
 *
 * <p>Even with {@code AWS_IAM} the function cannot authenticate the identity: Lambda hands a direct
 * {@code Invoke} the same event shape, so anyone allowed {@code lambda:InvokeFunction} on it can
 * write any role ARN there. Such a caller is therefore {@linkplain Caller#unverified marked
 * unverified} and may only run renewals, unless the operator sets {@code
 * certfn.platform.aws.trust-direct-invokers=true}, stating that every direct invoker is trusted.
 *
 * <p>The caller's issuer is {@code aws} and its subject the IAM role ARN (from the session's
 * {@code assumed-role} ARN) or user ARN, so the policy's {@code {issuer: aws, sub: <role ARN>}}
 * rules match it as they match STS web-identity tokens of that role.
 */
@Singleton
public class FunctionUrlIamIdentity implements PlatformIdentity {

    private static final Logger LOG = Logger.getLogger(FunctionUrlIamIdentity.class);
    private static final Pattern ASSUMED_ROLE = Pattern.compile("arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([^/]+)/.+");

    private static final String UNVERIFIED = "the Lambda event's requestContext.authorizer.iam, which anyone allowed"
            + " lambda:InvokeFunction on this function can write (certfn.platform.aws.trust-direct-invokers is false)";

    private final boolean trustIam;
    private final boolean trustDirectInvokers;

    public FunctionUrlIamIdentity(PlatformConfig config) {
        String auth = config.aws().functionUrlAuth().strip().toUpperCase(java.util.Locale.ROOT);
        if (!auth.equals("NONE") && !auth.equals("AWS_IAM")) {
            throw new IllegalStateException("certfn.platform.aws.function-url-auth must be NONE or AWS_IAM (the Function URL's "
                    + "AuthType), not '" + config.aws().functionUrlAuth() + "'");
        }
        this.trustIam = auth.equals("AWS_IAM");
        this.trustDirectInvokers = trustIam && config.aws().trustDirectInvokers();
        LOG.infof("Lambda Function URL auth type: %s%s", auth, !trustIam ? " (event identities are ignored)"
                : trustDirectInvokers ? " (callers' IAM identities receive what the policy grants; every principal allowed to"
                        + " invoke the function directly is trusted to name any role)"
                : " (callers' IAM identities may only run renewals: set certfn.platform.aws.trust-direct-invokers=true to let"
                        + " them receive certificates)");
    }

    @Override
    public Optional<String> trustSetting() {
        return trustIam ? Optional.of("certfn.platform.aws.function-url-auth=AWS_IAM") : Optional.empty();
    }

    @Override
    public Optional<Caller> identify(HttpServerRequest request) {
        if (!trustIam) {
            return Optional.empty();
        }
        APIGatewayV2HTTPEvent.RequestContext.IAM iam = null;
        if (request.headers() instanceof QuarkusHttpHeaders headers) {
            APIGatewayV2HTTPEvent.RequestContext context = headers.getContextObject(APIGatewayV2HTTPEvent.RequestContext.class);
            if (context != null && context.getAuthorizer() != null) {
                iam = context.getAuthorizer().getIam();
            }
        }
        if (iam == null || iam.getUserArn() == null) {
            throw AuthenticationException.unauthenticated("certfn.platform.aws.function-url-auth is AWS_IAM but the Lambda event "
                    + "carries no IAM identity: is the Function URL's AuthType AWS_IAM, and was the request SigV4-signed?");
        }
        Map<String, Object> claims = new HashMap<>();
        claims.put("userArn", iam.getUserArn());
        claims.put("accountId", iam.getAccountId());
        claims.put("callerId", iam.getCallerId());
        claims.put("userId", iam.getUserId());
        claims.put("principalOrgId", iam.getPrincipalOrgId());
        claims.put("via", "function-url-iam");
        Caller caller = new Caller(Caller.Method.PLATFORM, "aws", principalArn(iam.getUserArn()), claims);
        return Optional.of(trustDirectInvokers ? caller : caller.unverified(UNVERIFIED));
    }

    /**
     * The IAM principal behind a caller ARN: {@code arn:aws:sts::1234:assumed-role/billing/session}
     * becomes {@code arn:aws:iam::1234:role/billing} (a role's path is not in the session ARN);
     * users and other ARNs stay as they are.
     */
    static String principalArn(String userArn) {
        Matcher m = ASSUMED_ROLE.matcher(userArn);
        return m.matches() ? "arn:" + m.group(1) + ":iam::" + m.group(2) + ":role/" + m.group(3) : userArn;
    }
}
