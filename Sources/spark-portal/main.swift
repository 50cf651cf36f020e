import PortalCLI

await SparkPortalCommand.runAsMain()
