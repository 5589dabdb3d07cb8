import * as appmesh from 'aws-cdk-lib/aws-appmesh';
import { CERTIFICATE_FILES } from './proxy-task';

const ownCertificate = () => appmesh.MutualTlsCertificate.file(CERTIFICATE_FILES.chain, CERTIFICATE_FILES.privateKey);
const meshCa = () => appmesh.TlsValidationTrust.file(CERTIFICATE_FILES.ca);

/** The App Mesh TLS settings of every proxy: certificates are files the proxy task writes. */
export const mutualTls = {
  /**
   * A listener that serves the proxy's certificate and accepts only clients presenting a
   * certificate from the mesh CA with one of the given names.
   */
  listener(allowedClientNames: string[]): appmesh.ListenerTlsOptions {
    return {
      mode: appmesh.TlsMode.STRICT,
      certificate: ownCertificate(),
      mutualTlsValidation: {
        trust: meshCa(),
        subjectAlternativeNames: appmesh.SubjectAlternativeNames.matchingExactly(...allowedClientNames),
      },
    };
  },

  /**
   * A client policy that insists on TLS, accepts only a server certificate from the mesh CA with
   * one of the given names, and presents the proxy's own certificate.
   */
  clientPolicy(serverNames: string[]): appmesh.TlsClientPolicy {
    return {
      enforce: true,
      validation: {
        trust: meshCa(),
        subjectAlternativeNames: appmesh.SubjectAlternativeNames.matchingExactly(...serverNames),
      },
      mutualTlsCertificate: ownCertificate(),
    };
  },
};
