package io.certfn.cloud.aws;

import io.certfn.testing.AcmeStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The forged direct invocation of {@link FunctionUrlIamTest}, against the packaged Lambda build
 * (target/quarkus-app, run as Lambda's Java runtime would, fed by Quarkus' mock Lambda event server):
 * in AWS_IAM mode, as the SAM template deploys it, an event naming a granted role yields no key.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(AcmeStackResource.class)
@TestProfile(FunctionUrlIamTest.AwsIam.class)
class FunctionUrlForgedEventIT extends FunctionUrlIamTest {
}
