package io.certfn.store;

/** The store contract against the local folder backend. */
class FileStoreContractTest extends ObjectStoreContract {

    FileStoreContractTest() {
        super("file");
    }
}
