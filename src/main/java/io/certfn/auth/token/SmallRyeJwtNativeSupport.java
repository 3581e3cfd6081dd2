package io.certfn.auth.token;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * smallrye-jwt's parser finds its messages and loggers by name at run time (JBoss Logging's
 * {@code Messages.getBundle}/{@code Logger.getMessageLogger} append {@code _$bundle}/{@code _$logger});
 * with the extension turned off nothing registers them, so a native build keeps them here.
 */
@RegisterForReflection(classNames = {
    "io.smallrye.jwt.auth.principal.PrincipalMessages_$bundle",
    "io.smallrye.jwt.auth.principal.PrincipalLogging_$logger",
    "io.smallrye.jwt.util.JWTUtilMessages_$bundle",
    "io.smallrye.jwt.util.JWTUtilLogging_$logger",
    "io.smallrye.jwt.JWTLogging_$logger",
})
final class SmallRyeJwtNativeSupport {

    private SmallRyeJwtNativeSupport() {
    }
}
