import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import Testing
import TestSupport
import X509

@testable import SparkAPI

/// A self-signed certificate for the two loopback addresses, made in memory for this test run.
struct LoopbackCertificate {
    let certificatePEM: String
    let privateKeyPEM: String

    init() throws {
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let name = try DistinguishedName { CommonName("spark-portal test server") }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                                     .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 2]))])
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(24 * 3600),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: key)
        certificatePEM = try certificate.serializeAsPEM().pemString
        privateKeyPEM = signingKey.pemRepresentation
    }

    func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    /// A client configuration that trusts this certificate alone, with full verification (hostname included).
    func clientConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)])
        configuration.certificateVerification = .fullVerification
        return configuration
    }
}

/// The redirect rule over real TLS: a Spark server on https://127.0.0.1 answers 302 to https://127.0.0.2, a
/// different host that is also a valid https server for the client. The client must not follow it, so the other
/// host never sees a request, let alone the Authorization header.
@Suite("https redirects", .timeLimit(.minutes(1)))
struct TLSRedirectTests {
    @Test func anHTTPSRedirectToAnotherHostIsNotFollowedAndCarriesNoToken() async throws {
        let certificate = try LoopbackCertificate()
        let context = try certificate.serverContext()
        let atSpark = Recorder<ReceivedRequest>(), atOtherHost = Recorder<ReceivedRequest>()
        let json = ["Content-Type": "application/json"]

        try await withTestServer(host: "127.0.0.2", tls: context, respond: { request in
            atOtherHost.append(request)
            return (200, json, #"{"D":{"Success":true,"Results":[]}}"#)
        }) { other in
            try await withTestServer(host: "127.0.0.1", tls: context, respond: { request in
                atSpark.append(request)
                return (302, ["Location": other.absoluteString + "/v1/portal/groups/current"], "")
            }) { spark in
                #expect(spark.scheme == "https" && other.scheme == "https")
                // The control: the other host is a working https server the client trusts…
                let direct = try await Self.currentGroup(other, trusting: certificate)
                #expect(direct == nil)
                #expect(atOtherHost.count == 1)
                #expect(atOtherHost.values.first?.headers["authorization"] == "OAuth \(secretToken)")

                // …yet the redirect from the Spark host is not followed: a clear HTTP error, nothing sent there.
                let error = await #expect(throws: SparkError.self) { try await Self.currentGroup(spark, trusting: certificate) }
                #expect(error?.httpStatus == 302)
                #expect(atSpark.count == 1)
                #expect(atSpark.values.first?.headers["authorization"] == "OAuth \(secretToken)")
                #expect(atOtherHost.count == 1, "the other host saw no second request")
                #expect(!(error.map { "\($0)" } ?? "").contains(secretToken))
            }
        }
    }

    @Test func aServerTheClientDoesNotTrustIsATLSFailure() async throws {
        let certificate = try LoopbackCertificate()
        let stranger = try LoopbackCertificate()  // trusted by the client, but not the one the server shows
        let hits = Recorder<ReceivedRequest>()
        try await withTestServer(host: "127.0.0.1", tls: try certificate.serverContext(), respond: { request in
            hits.append(request)
            return (200, [:], #"{"D":{"Success":true,"Results":[]}}"#)
        }) { url in
            let error = await #expect(throws: SparkError.self) { try await Self.currentGroup(url, trusting: stranger) }
            guard case .transport(.tls, "127.0.0.1", _)? = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            #expect(hits.count == 0, "no request crosses an untrusted connection")
        }
    }

    /// The current group read through a real transport that trusts `certificate` (and is always shut down).
    private static func currentGroup(_ url: URL, trusting certificate: LoopbackCertificate) async throws -> PortalGroup? {
        let transport = AsyncHTTPClientTransport(endpoint: url, proxy: .some(nil),
                                                 tlsConfiguration: try certificate.clientConfiguration())
        let client = try SparkClient(configuration: liveConfiguration(url), tokens: StaticToken(secretToken), transport: transport)
        do {
            let group = try await client.currentGroup()
            await client.shutdown()
            return group
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
