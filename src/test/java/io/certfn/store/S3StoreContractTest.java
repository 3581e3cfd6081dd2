package io.certfn.store;

/** The store contract against moto_server, a real S3-compatible server with conditional writes. */
class S3StoreContractTest extends ObjectStoreContract {

    S3StoreContractTest() {
        super("s3");
    }
}
