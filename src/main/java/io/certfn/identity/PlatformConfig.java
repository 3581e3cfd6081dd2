package io.certfn.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * {@code certfn.platform.*}: identities the platform in front of certfn has verified. Off by
 * default: elsewhere anyone can send the same request fields.
 */
@ConfigMapping(prefix = "certfn.platform")
public interface PlatformConfig {
    /** {@code certfn.platform.aws.*}: the Lambda Function URL. */
    Aws aws();

    /** {@code certfn.platform.azure.*}: Azure App Service / Functions authentication. */
    Azure azure();

    interface Aws {
        /**
         * {@code certfn.platform.aws.function-url-auth}: the Function URL's AuthType, {@code NONE}
         * or {@code AWS_IAM}; with {@code AWS_IAM} the caller's IAM identity from the event is the
         * caller (Lambda build only).
         */
        @WithName("function-url-auth")
        @WithDefault("NONE")
        String functionUrlAuth();

        /**
         * {@code certfn.platform.aws.trust-direct-invokers}: with {@code AWS_IAM}, let the event's
         * IAM identity receive certificates and keys. Lambda cannot tell a Function URL request
         * from a direct invocation, so this trusts every principal allowed {@code
         * lambda:InvokeFunction} on the function (and every EventBridge schedule that can pass a
         * role to it) to name any role. Off: such identities may only run renewals.
         */
        @WithName("trust-direct-invokers")
        @WithDefault("false")
        boolean trustDirectInvokers();
    }

    interface Azure {
        /**
         * {@code certfn.platform.azure.app-service-auth}: trust {@code X-MS-CLIENT-PRINCIPAL} from
         * App Service authentication (honoured only when running on Azure).
         */
        @WithName("app-service-auth")
        @WithDefault("false")
        boolean appServiceAuth();
    }
}
