// certfn on Azure Functions (Linux, Java 17 worker): a Function App with a system-assigned managed
// identity, a storage account whose `certfn` container is certfn's store and lock, role
// assignments for that container and the DNS zone, and the app's own renewal timer.

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Name prefix of the resources (letters and digits).')
@minLength(3)
@maxLength(11)
param prefix string = 'certfn'

@description('An Azure DNS zone in this resource group that certfn writes _acme-challenge records into.')
param dnsZoneName string

@description('The ACME CA\'s directory URL (try Let\'s Encrypt staging first).')
param acmeDirectory string = 'https://acme-v02.api.letsencrypt.org/directory'

@description('Contact address of the ACME account.')
param acmeEmail string = ''

@description('Base64 of 32 random bytes (openssl rand -base64 32): private keys are sealed with it.')
@secure()
param encryptionKey string

@description('The application ID URI managed identities request tokens for (e.g. api://certfn).')
param tokenAudience string

@description('certfn\'s policy as one-line JSON.')
param policy string

@description('java: the Java worker runs the JVM build (-Pazure); custom: the Functions host runs the native custom handler (deploy-azure/package-custom-handler.sh).')
@allowed([ 'java', 'custom' ])
param workerRuntime string = 'java'

var suffix = uniqueString(resourceGroup().id)
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var dnsZoneContributor = 'befefa01-2a29-4197-83a8-272ff33ce314'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: '${prefix}${suffix}'
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'certfn'
  properties: { publicAccess: 'None' }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${prefix}-plan-${suffix}'
  location: location
  sku: { name: 'Y1', tier: 'Dynamic' }
  kind: 'functionapp'
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: '${prefix}-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: workerRuntime == 'java' ? 'Java|17' : ''
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: workerRuntime }
        // The Functions host's own state (timer locks); certfn's objects use the managed identity.
        { name: 'AzureWebJobsStorage', value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}' }
        // No /api prefix: certfn's own paths (/api/certificate, /healthz) are the URLs.
        { name: 'AzureFunctionsJobHost__extensions__http__routePrefix', value: '' }
        { name: 'CERTFN_ACME_DIRECTORY', value: acmeDirectory }
        { name: 'CERTFN_ACME_EMAIL', value: acmeEmail }
        { name: 'CERTFN_STORE_TYPE', value: 'azure-blob' }
        { name: 'CERTFN_STORE_AZURE_ENDPOINT', value: storage.properties.primaryEndpoints.blob }
        { name: 'CERTFN_STORE_AZURE_CONTAINER', value: container.name }
        { name: 'CERTFN_STORE_ENCRYPTION_KEY', value: encryptionKey }
        { name: 'CERTFN_DNS_PROVIDER', value: 'azure' }
        { name: 'CERTFN_DNS_AZURE_SUBSCRIPTION_ID', value: subscription().subscriptionId }
        { name: 'CERTFN_DNS_AZURE_RESOURCE_GROUP', value: resourceGroup().name }
        { name: 'CERTFN_DNS_AZURE_ZONE', value: dnsZoneName }
        { name: 'CERTFN_AUTH_AZURE_TENANT_ID', value: tenant().tenantId }
        { name: 'CERTFN_AUTH_AZURE_AUDIENCE', value: tokenAudience }
        { name: 'CERTFN_POLICY', value: policy }
      ]
    }
  }
}

resource zone 'Microsoft.Network/dnsZones@2018-05-01' existing = {
  name: dnsZoneName
}

// certfn may read and write blobs in its container only.
resource blobAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(container.id, app.id, storageBlobDataContributor)
  scope: container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// certfn may change records in this zone only.
resource dnsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(zone.id, app.id, dnsZoneContributor)
  scope: zone
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dnsZoneContributor)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = app.name
output url string = 'https://${app.properties.defaultHostName}'
output principalId string = app.identity.principalId
