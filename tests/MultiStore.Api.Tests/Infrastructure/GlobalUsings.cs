global using MultiStore.Api.Tests.Infrastructure;
