package io.certfn.store;

/** The store contract against the in-test GCS JSON-API server (no GCS emulator can be obtained here; see FakeGcsServer). */
class GcsStoreContractTest extends ObjectStoreContract {

    GcsStoreContractTest() {
        super("gcs");
    }
}
