import { ApiError } from '../context.js';

/**
 * The ECS error answers the emulator gives, named as in the ECS API model so that SDK clients
 * map them to their modelled exception classes.
 */
export const invalidParameter = (message: string): ApiError => new ApiError('InvalidParameterException', message);

export const clientException = (message: string): ApiError => new ApiError('ClientException', message);

export const clusterNotFound = (): ApiError => new ApiError('ClusterNotFoundException', 'Cluster not found.');

export const serviceNotFound = (): ApiError => new ApiError('ServiceNotFoundException', 'Service not found.');

export const serviceNotActive = (): ApiError => new ApiError('ServiceNotActiveException', 'Service was not ACTIVE.');

export const resourceNotFound = (message: string): ApiError => new ApiError('ResourceNotFoundException', message);

/** JSON 1.1 services answer a member of the wrong JSON type with SerializationException. */
export const serializationError = (message: string): ApiError => new ApiError('SerializationException', message);

/** Not in the ECS model, but what ECS sends when an account exceeds its API rate; SDKs retry it. */
export const throttled = (): ApiError => new ApiError('ThrottlingException', 'Rate exceeded', 400);

export const unknownOperation = (operation: string): ApiError =>
  new ApiError('UnknownOperationException', `ECS operation ${operation} is not emulated`);
