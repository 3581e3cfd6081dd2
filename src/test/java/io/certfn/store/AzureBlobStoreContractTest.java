package io.certfn.store;

/** The store contract against Azurite, Microsoft's Azure Blob emulator. */
class AzureBlobStoreContractTest extends ObjectStoreContract {

    AzureBlobStoreContractTest() {
        super("azure-blob");
    }
}
