export { DigestAuthenticator, type DigestCredentials, type AuthorizationHeader, type AuthHeaderName, type AuthRequest } from "./authenticator.ts";
export { parseChallenges, formatCredentials, AuthHeaderError, type AuthChallenge } from "./challenge.ts";
export { digestResponse, hashedUsername, canonicalAlgorithm, ALGORITHM_PREFERENCE, type DigestAlgorithm, type DigestQop, type DigestInput } from "./digest.ts";
