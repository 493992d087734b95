import { AwsServiceError } from '../emulator/service-error.ts';
import { escapeXml } from '../xml.ts';

/**
 * An error the local S3 front answers itself, in S3's XML error format, for the parts s3rver
 * does not handle (notification configuration, aws-chunked decoding, checksum verification).
 */
export class S3RequestError extends AwsServiceError {
  toXml(requestId: string): string {
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${escapeXml(this.code)}</Code><Message>${escapeXml(this.message)}</Message>` +
      `<RequestId>${escapeXml(requestId)}</RequestId></Error>`
    );
  }
}
