/**
 * The keystore part of a Cloud Integration tenant's `/api/v1/$metadata`, element for element as SAP serves it
 * (copied from /work/shared/reference/sap-cpi-keystore-metadata.xml). It is the one source of the entity model:
 * edm.ts reads the types, properties, navigations and sets from it, so the writers can never drift from what
 * `$metadata` promises to OData tools and SDK generators.
 */
export const METADATA_XML = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">
  <edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" m:DataServiceVersion="2.0">
    <Schema xmlns="http://schemas.microsoft.com/ado/2008/09/edm" Namespace="com.sap.hci.api">
      <EntityType Name="KeystoreEntryAlias">
        <Key>
          <PropertyRef Name="Hexalias"/>
        </Key>
        <Property MaxLength="2000" Name="Hexalias" Nullable="false" Type="Edm.String"/>
        <Property MaxLength="250" Name="Alias" Nullable="false" Type="Edm.String"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryAlias" Name="KeystoreEntryCertificatePartBase">
        <Property MaxLength="30" Name="KeyType" Nullable="true" Type="Edm.String"/>
        <Property Name="KeySize" Nullable="true" Type="Edm.Int32"/>
        <Property Name="ValidNotBefore" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property Name="ValidNotAfter" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property MaxLength="256" Name="SerialNumber" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="60" Name="SignatureAlgorithm" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="EllipticCurve" Nullable="true" Type="Edm.String"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryCertificatePartBase" Name="KeystoreEntryCertificatePart">
        <Property MaxLength="1000" Name="Validity" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="50000" Name="SubjectDN" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="50000" Name="IssuerDN" Nullable="true" Type="Edm.String"/>
        <Property Name="Version" Nullable="true" Type="Edm.Int32"/>
        <Property MaxLength="200" Name="FingerprintSha1" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="200" Name="FingerprintSha256" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="200" Name="FingerprintSha512" Nullable="true" Type="Edm.String"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryCertificatePart" Name="KeystoreEntry">
        <Property MaxLength="30" Name="Type" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="30" Name="Owner" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="150" Name="LastModifiedBy" Nullable="true" Type="Edm.String"/>
        <Property Name="LastModifiedTime" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property MaxLength="150" Name="CreatedBy" Nullable="true" Type="Edm.String"/>
        <Property Name="CreatedTime" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property MaxLength="500" Name="Status" Nullable="true" Type="Edm.String"/>
        <NavigationProperty FromRole="r_KeystoreEntry" Name="ChainCertificates" Relationship="com.sap.hci.api.CertificateChainOfKeyPair" ToRole="r_ChainCertificates"/>
        <NavigationProperty FromRole="r_KeystoreEntry" Name="Certificate" Relationship="com.sap.hci.api.A_KeystoreEntry_CertificateResource" ToRole="r_Certificate"/>
        <NavigationProperty FromRole="r_KeystoreEntry" Name="Sshkey" Relationship="com.sap.hci.api.A_KeystoreEntry_SSHKeyResource" ToRole="r_Sshkey"/>
        <NavigationProperty FromRole="r_Entries" Name="Keystore" Relationship="com.sap.hci.api.EntriesOfKeystore" ToRole="r_Keystore"/>
        <NavigationProperty FromRole="r_KeystoreEntry" Name="ChainResource" Relationship="com.sap.hci.api.A_KeystoreEntry_CertificateChainResource" ToRole="r_ChainResource"/>
        <NavigationProperty FromRole="r_KeystoreEntry" Name="SigningRequest" Relationship="com.sap.hci.api.A_KeystoreEntry_CertificateSigningRequest" ToRole="r_SigningRequest"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntry" Name="HistoryKeystoreEntry">
        <Property MaxLength="150" Name="ActivatedBy" Nullable="true" Type="Edm.String"/>
        <Property Name="ActiveFrom" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property MaxLength="150" Name="DeactivatedBy" Nullable="true" Type="Edm.String"/>
        <Property Name="ActiveUntil" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property Name="ActivationSequenceNumber" Nullable="true" Type="Edm.Int32"/>
        <Property MaxLength="250" Name="OriginalAlias" Nullable="true" Type="Edm.String"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryAlias" Name="KeyPairResource">
        <Property MaxLength="30072" Name="Resource" Nullable="true" Type="Edm.Binary"/>
        <Property MaxLength="500" Name="Password" Nullable="true" Type="Edm.String"/>
      </EntityType>
      <EntityType Name="ChainCertificate">
        <Key>
          <PropertyRef Name="Hexalias"/>
          <PropertyRef Name="Index"/>
        </Key>
        <Property MaxLength="2000" Name="Hexalias" Nullable="false" Type="Edm.String"/>
        <Property MaxLength="250" Name="Alias" Nullable="false" Type="Edm.String"/>
        <Property Name="Index" Nullable="false" Type="Edm.Int32"/>
        <Property MaxLength="1000" Name="Validity" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="30" Name="KeyType" Nullable="true" Type="Edm.String"/>
        <Property Name="KeySize" Nullable="true" Type="Edm.Int32"/>
        <Property Name="ValidNotBefore" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property Name="ValidNotAfter" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property MaxLength="50000" Name="SubjectDN" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="50000" Name="IssuerDN" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="66" Name="SerialNumber" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="60" Name="SignatureAlgorithm" Nullable="true" Type="Edm.String"/>
        <Property Name="Version" Nullable="true" Type="Edm.Int32"/>
        <Property MaxLength="200" Name="FingerprintSha1" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="200" Name="FingerprintSha256" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="200" Name="FingerprintSha512" Nullable="true" Type="Edm.String"/>
        <NavigationProperty FromRole="r_ChainCertificates" Name="KeystoreEntry" Relationship="com.sap.hci.api.CertificateChainOfKeyPair" ToRole="r_KeystoreEntry"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryAlias" Name="SSHKeyResource" m:HasStream="true">
        <NavigationProperty FromRole="r_Sshkey" Name="KeystoreEntry" Relationship="com.sap.hci.api.A_KeystoreEntry_SSHKeyResource" ToRole="r_KeystoreEntry"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryCertificatePartBase" Name="KeyPairGenerationRequest">
        <Property MaxLength="500" Name="KeyAlgorithmParameter" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="CommonName" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="OrganizationUnit" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Organization" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Locality" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="State" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="2" Name="Country" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Email" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="3000" Name="Extensions" Nullable="true" Type="Edm.Binary"/>
      </EntityType>
      <EntityType Name="CertificateSigningRequest" m:HasStream="true">
        <Key>
          <PropertyRef Name="Hexalias"/>
        </Key>
        <Property MaxLength="2000" Name="Hexalias" Nullable="false" Type="Edm.String"/>
        <NavigationProperty FromRole="r_SigningRequest" Name="KeystoreEntry" Relationship="com.sap.hci.api.A_KeystoreEntry_CertificateSigningRequest" ToRole="r_KeystoreEntry"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryAlias" Name="CertificateResource" m:HasStream="true">
        <NavigationProperty FromRole="r_Certificate" Name="KeystoreEntry" Relationship="com.sap.hci.api.A_KeystoreEntry_CertificateResource" ToRole="r_KeystoreEntry"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryAlias" Name="CertificateChainResource" m:HasStream="true">
        <NavigationProperty FromRole="r_ChainResource" Name="KeystoreEntry" Relationship="com.sap.hci.api.A_KeystoreEntry_CertificateChainResource" ToRole="r_KeystoreEntry"/>
      </EntityType>
      <EntityType Name="KeystoreResource">
        <Key>
          <PropertyRef Name="Name"/>
        </Key>
        <Property MaxLength="100" Name="Name" Nullable="false" Type="Edm.String"/>
        <Property MaxLength="6291456" Name="Resource" Nullable="true" Type="Edm.Binary"/>
        <Property MaxLength="300" Name="Password" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="2097152" Name="Aliases" Nullable="true" Type="Edm.String"/>
      </EntityType>
      <EntityType Name="Keystore">
        <Key>
          <PropertyRef Name="Name"/>
        </Key>
        <Property MaxLength="100" Name="Name" Nullable="false" Type="Edm.String"/>
        <Property MaxLength="150" Name="LastModifiedBy" Nullable="true" Type="Edm.String"/>
        <Property Name="LastModifiedTime" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property Name="Size" Nullable="true" Type="Edm.Int32"/>
        <Property MaxLength="620" Name="RuntimeIds" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="20" Name="AggregatedStatus" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="5000" Name="AggregatedErrors" Nullable="true" Type="Edm.String"/>
        <NavigationProperty FromRole="r_Keystore" Name="Entries" Relationship="com.sap.hci.api.EntriesOfKeystore" ToRole="r_Entries"/>
        <NavigationProperty FromRole="r_Keystore" Name="Runtimes" Relationship="com.sap.hci.api.RuntimesOfKeystore" ToRole="r_Runtimes"/>
      </EntityType>
      <EntityType Name="RuntimeAssignment">
        <Key>
          <PropertyRef Name="KeystoreName"/>
          <PropertyRef Name="RuntimeId"/>
        </Key>
        <Property MaxLength="30" Name="KeystoreName" Nullable="false" Type="Edm.String"/>
        <Property MaxLength="30" Name="RuntimeId" Nullable="false" Type="Edm.String"/>
        <Property MaxLength="20" Name="Status" Nullable="false" Type="Edm.String"/>
        <Property Name="StatusUpdatedAt" Nullable="false" Type="Edm.Int64"/>
        <Property MaxLength="5000" Name="Errors" Nullable="true" Type="Edm.String"/>
        <NavigationProperty FromRole="r_Runtimes" Name="Keystore" Relationship="com.sap.hci.api.RuntimesOfKeystore" ToRole="r_Keystore"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryCertificatePartBase" Name="SSHKeyGenerationRequest">
        <Property MaxLength="10000" Name="SSHFile" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Password" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="KeyAlgorithmParameter" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="CommonName" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="OrganizationUnit" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Organization" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Locality" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="State" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="2" Name="Country" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Email" Nullable="true" Type="Edm.String"/>
      </EntityType>
      <EntityType BaseType="com.sap.hci.api.KeystoreEntryAlias" Name="RSAKeyGenerationRequest">
        <Property MaxLength="10000" Name="RSAFile" Nullable="false" Type="Edm.Binary"/>
        <Property MaxLength="60" Name="SignatureAlgorithm" Nullable="true" Type="Edm.String"/>
        <Property Name="ValidNotBefore" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property Name="ValidNotAfter" Nullable="true" Type="Edm.DateTimeOffset"/>
        <Property MaxLength="256" Name="SerialNumber" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="CommonName" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="OrganizationUnit" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Organization" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Locality" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="State" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="2" Name="Country" Nullable="true" Type="Edm.String"/>
        <Property MaxLength="500" Name="Email" Nullable="true" Type="Edm.String"/>
      </EntityType>
      <Association Name="CertificateChainOfKeyPair">
        <End Multiplicity="0..1" Role="r_KeystoreEntry" Type="com.sap.hci.api.KeystoreEntry"/>
        <End Multiplicity="*" Role="r_ChainCertificates" Type="com.sap.hci.api.ChainCertificate"/>
      </Association>
      <Association Name="A_KeystoreEntry_SSHKeyResource">
        <End Multiplicity="0..1" Role="r_KeystoreEntry" Type="com.sap.hci.api.KeystoreEntry"/>
        <End Multiplicity="0..1" Role="r_Sshkey" Type="com.sap.hci.api.SSHKeyResource"/>
      </Association>
      <Association Name="A_KeystoreEntry_CertificateChainResource">
        <End Multiplicity="0..1" Role="r_KeystoreEntry" Type="com.sap.hci.api.KeystoreEntry"/>
        <End Multiplicity="0..1" Role="r_ChainResource" Type="com.sap.hci.api.CertificateChainResource"/>
      </Association>
      <Association Name="A_KeystoreEntry_CertificateResource">
        <End Multiplicity="0..1" Role="r_KeystoreEntry" Type="com.sap.hci.api.KeystoreEntry"/>
        <End Multiplicity="0..1" Role="r_Certificate" Type="com.sap.hci.api.CertificateResource"/>
      </Association>
      <Association Name="A_KeystoreEntry_CertificateSigningRequest">
        <End Multiplicity="0..1" Role="r_KeystoreEntry" Type="com.sap.hci.api.KeystoreEntry"/>
        <End Multiplicity="0..1" Role="r_SigningRequest" Type="com.sap.hci.api.CertificateSigningRequest"/>
      </Association>
      <Association Name="EntriesOfKeystore">
        <End Multiplicity="*" Role="r_Entries" Type="com.sap.hci.api.KeystoreEntry"/>
        <End Multiplicity="0..1" Role="r_Keystore" Type="com.sap.hci.api.Keystore"/>
      </Association>
      <Association Name="RuntimesOfKeystore">
        <End Multiplicity="0..1" Role="r_Keystore" Type="com.sap.hci.api.Keystore"/>
        <End Multiplicity="*" Role="r_Runtimes" Type="com.sap.hci.api.RuntimeAssignment"/>
      </Association>
      <EntityContainer Name="DefaultContainer" m:IsDefaultEntityContainer="true">
        <EntitySet EntityType="com.sap.hci.api.KeystoreEntry" Name="KeystoreEntries"/>
        <EntitySet EntityType="com.sap.hci.api.HistoryKeystoreEntry" Name="HistoryKeystoreEntries"/>
        <EntitySet EntityType="com.sap.hci.api.KeyPairResource" Name="KeyPairResources"/>
        <EntitySet EntityType="com.sap.hci.api.ChainCertificate" Name="ChainCertificates"/>
        <EntitySet EntityType="com.sap.hci.api.SSHKeyResource" Name="SSHKeyResources"/>
        <EntitySet EntityType="com.sap.hci.api.KeyPairGenerationRequest" Name="KeyPairGenerationRequests"/>
        <EntitySet EntityType="com.sap.hci.api.CertificateSigningRequest" Name="CertificateSigningRequests"/>
        <EntitySet EntityType="com.sap.hci.api.CertificateResource" Name="CertificateResources"/>
        <EntitySet EntityType="com.sap.hci.api.CertificateChainResource" Name="CertificateChainResources"/>
        <EntitySet EntityType="com.sap.hci.api.KeystoreResource" Name="KeystoreResources"/>
        <EntitySet EntityType="com.sap.hci.api.Keystore" Name="Keystores"/>
        <EntitySet EntityType="com.sap.hci.api.RuntimeAssignment" Name="RuntimeSyncInfos"/>
        <EntitySet EntityType="com.sap.hci.api.SSHKeyGenerationRequest" Name="SSHKeyGenerationRequests"/>
        <EntitySet EntityType="com.sap.hci.api.RSAKeyGenerationRequest" Name="RSAKeyGenerationRequests"/>
        <AssociationSet Association="com.sap.hci.api.CertificateChainOfKeyPair" Name="CertificateChainOfKeyPair">
          <End EntitySet="KeystoreEntries" Role="r_KeystoreEntry"/>
          <End EntitySet="ChainCertificates" Role="r_ChainCertificates"/>
        </AssociationSet>
        <AssociationSet Association="com.sap.hci.api.A_KeystoreEntry_SSHKeyResource" Name="A_KeystoreEntry_SSHKeyResource">
          <End EntitySet="KeystoreEntries" Role="r_KeystoreEntry"/>
          <End EntitySet="SSHKeyResources" Role="r_Sshkey"/>
        </AssociationSet>
        <AssociationSet Association="com.sap.hci.api.A_KeystoreEntry_CertificateChainResource" Name="A_KeystoreEntry_CertificateChainResource">
          <End EntitySet="KeystoreEntries" Role="r_KeystoreEntry"/>
          <End EntitySet="CertificateChainResources" Role="r_ChainResource"/>
        </AssociationSet>
        <AssociationSet Association="com.sap.hci.api.A_KeystoreEntry_CertificateResource" Name="A_KeystoreEntry_CertificateResource">
          <End EntitySet="KeystoreEntries" Role="r_KeystoreEntry"/>
          <End EntitySet="CertificateResources" Role="r_Certificate"/>
        </AssociationSet>
        <AssociationSet Association="com.sap.hci.api.A_KeystoreEntry_CertificateSigningRequest" Name="A_KeystoreEntry_CertificateSigningRequest">
          <End EntitySet="KeystoreEntries" Role="r_KeystoreEntry"/>
          <End EntitySet="CertificateSigningRequests" Role="r_SigningRequest"/>
        </AssociationSet>
        <AssociationSet Association="com.sap.hci.api.EntriesOfKeystore" Name="EntriesOfKeystore">
          <End EntitySet="KeystoreEntries" Role="r_Entries"/>
          <End EntitySet="Keystores" Role="r_Keystore"/>
        </AssociationSet>
        <AssociationSet Association="com.sap.hci.api.RuntimesOfKeystore" Name="RuntimesOfKeystore">
          <End EntitySet="Keystores" Role="r_Keystore"/>
          <End EntitySet="RuntimeSyncInfos" Role="r_Runtimes"/>
        </AssociationSet>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
